import { z } from "zod";
import { idSchema, titleSchema } from "./ids";

export const chatListInput = z.object({ sessionId: idSchema });
export const chatCreateInput = z.object({ sessionId: idSchema, title: titleSchema.optional() });
export const chatRenameInput = z.object({ id: idSchema, title: titleSchema });
export const chatCloseInput = z.object({ id: idSchema });
