-- task_creators: what session-less creators need.
--  * new_task: a tab records the task whose agent started it (chats.started_by_task_id).
--  * arena: one prompt run by several agents side by side; each entry is a tab (chats.arena_id)
--    with its own model (chats.model) and its own worktree (chats.worktree_id), so entries cannot
--    overwrite each other. A session may now own several worktrees: its own (purpose 'session')
--    and its arena entries' (purpose 'arena'); the delete gate checks every one of them.
-- chats and worktrees are rebuilt (SQLite cannot add a foreign key to an existing table in
-- place); every existing row is copied as it was, the new columns start NULL / 'session', which
-- is what every existing worktree is.

-- CreateTable
CREATE TABLE "arenas" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "winner_chat_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "arenas_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "arenas_winner_chat_id_fkey" FOREIGN KEY ("winner_chat_id") REFERENCES "chats" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_chats" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT,
    "title" TEXT NOT NULL,
    "agent" TEXT NOT NULL DEFAULT 'opencode',
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "creator_key" TEXT,
    "model" TEXT,
    "worktree_id" TEXT,
    "started_by_task_id" TEXT,
    "arena_id" TEXT,
    CONSTRAINT "chats_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "chats_worktree_id_fkey" FOREIGN KEY ("worktree_id") REFERENCES "worktrees" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "chats_started_by_task_id_fkey" FOREIGN KEY ("started_by_task_id") REFERENCES "tasks" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "chats_arena_id_fkey" FOREIGN KEY ("arena_id") REFERENCES "arenas" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_chats" ("agent", "created_at", "creator_key", "id", "position", "session_id", "title") SELECT "agent", "created_at", "creator_key", "id", "position", "session_id", "title" FROM "chats";
DROP TABLE "chats";
ALTER TABLE "new_chats" RENAME TO "chats";
CREATE UNIQUE INDEX "chats_creator_key_key" ON "chats"("creator_key");
CREATE INDEX "chats_session_id_position_idx" ON "chats"("session_id", "position");
CREATE TABLE "new_worktrees" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT,
    "repo_path" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "branch" TEXT,
    "base_ref" TEXT,
    "host" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" DATETIME,
    "purpose" TEXT NOT NULL DEFAULT 'session',
    CONSTRAINT "worktrees_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_worktrees" ("base_ref", "branch", "created_at", "host", "id", "path", "removed_at", "repo_path", "session_id") SELECT "base_ref", "branch", "created_at", "host", "id", "path", "removed_at", "repo_path", "session_id" FROM "worktrees";
DROP TABLE "worktrees";
ALTER TABLE "new_worktrees" RENAME TO "worktrees";
CREATE UNIQUE INDEX "worktrees_path_key" ON "worktrees"("path");
CREATE INDEX "worktrees_session_id_idx" ON "worktrees"("session_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "arenas_session_id_idx" ON "arenas"("session_id");

