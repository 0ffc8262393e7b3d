import { chatCloseInput, chatCreateInput, chatListInput, chatRenameInput } from "../../schemas/chat";
import { closeChat } from "../../services/chat/close-chat";
import { createChat } from "../../services/chat/create-chat";
import { listChats } from "../../services/chat/list-chats";
import { renameChat } from "../../services/chat/rename-chat";
import { publicProcedure, router } from "../init";
import { chatStreamProcedures } from "./chat-stream";
import { chatStreamsManyProcedures } from "./chat-streams-many";

export const chatRouter = router({
  list: publicProcedure.input(chatListInput).query(({ ctx, input }) => listChats(ctx.db, input.sessionId)),
  create: publicProcedure.input(chatCreateInput).mutation(({ ctx, input }) => createChat(ctx, input)),
  rename: publicProcedure.input(chatRenameInput).mutation(({ ctx, input }) => renameChat(ctx.db, input)),
  close: publicProcedure.input(chatCloseInput).mutation(({ ctx, input }) => closeChat(ctx, input.id)),
  ...chatStreamProcedures,
  ...chatStreamsManyProcedures,
});
