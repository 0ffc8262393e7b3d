-- chat_creator_key: the standalone chat of a session-less creator (arena, MCP, new_task, generic)
-- is found by its key "<creator>:<reference>", so a follow-up from the same MCP conversation lands
-- in the same chat whatever the chat's title becomes. No install has such chats yet: no backfill.

ALTER TABLE "chats" ADD COLUMN "creator_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "chats_creator_key_key" ON "chats"("creator_key");
