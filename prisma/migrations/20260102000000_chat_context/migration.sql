-- chat_context: the chat becomes the context unit (docs/ARCHITECTURE.md, "Migration chain").
--
-- * `worktrees` is created and every `session_worktrees` row is copied into it
--   (`worktree_path` -> `path`). The legacy table never recorded the repository, so `repo_path`
--   is '' ("not recorded"): the sidecar can read it from the worktree itself
--   (`git rev-parse --git-common-dir`), and a guessed path would be a wrong one. A session's first
--   worktree (by created_at, then path) keeps its session_id; any further worktree of the same
--   session, or of a session that no longer exists, is copied with session_id NULL (an orphaned
--   worktree, listed in the sidebar): `worktrees.session_id` is unique and a worktree is never dropped.
-- * `session_worktrees` is rebuilt without its foreign key (defanged, kept, rows unchanged).
-- * Every session with agent sessions or tasks but no chat gets one ("Chat", position 0, the
--   session's created_at, the agent of its first agent session or task). agent_sessions is rebuilt
--   keyed by (chat_id, agent), chat_id = the session's first chat (lowest position, then created_at,
--   then id), worktree_id = the session's worktree, session_id kept; config_hash is unchanged.
-- * tasks.chat_id is added, backfilled the same way (NULL for a task whose session is gone).
--
-- Prisma 6.19 does not run a migration in a transaction on SQLite and stops at the first failing
-- statement, so:
-- * the gate that can refuse a legacy database runs first, before any change;
-- * the changes run in one explicit transaction, and the gate after the copy raises ROLLBACK;
-- * every statement can run again: on a database where this already ran (or half ran, if it is
--   ever run without the transaction) it is no error and no change. The rebuilt tables are copied to
--   `_chat_context_*` scratch tables with `CREATE TABLE IF NOT EXISTS ... AS SELECT *, NULL AS <new
--   column>`: on the old shape the added column is the new one, on the new shape SQLite names it
--   `<column>:1` and `<column>` still means the real one. Scratch tables are dropped last.
-- * No parent table is rebuilt (sessions and chats are only added to, worktrees is created once),
--   so dropping and refilling agent_sessions, tasks and session_worktrees cascades nothing, with
--   foreign keys on (better-sqlite3's default).
--
-- When a gate refuses the database, `migrate deploy` records chat_context as failed in
-- _prisma_migrations, and `prisma migrate resolve` does not work with the JS engine: after fixing
-- the data, delete that row (DELETE FROM _prisma_migrations WHERE migration_name =
-- '20260102000000_chat_context' AND finished_at IS NULL) and deploy again.

-- Gate before any change (temp objects live outside the database file). Rows written while foreign
-- keys were off may point at a session that no longer exists: no chat can be found for them.
-- Only rows still in the old shape count (on the new shape agent_sessions has chat_id).
DROP TABLE IF EXISTS temp."agent_sessions_without_session";
CREATE TEMP TABLE "agent_sessions_without_session" ("n" INTEGER NOT NULL);
CREATE TEMP TRIGGER "agent_sessions_without_session_gate"
BEFORE INSERT ON "agent_sessions_without_session" WHEN NEW."n" > 0
BEGIN
    SELECT RAISE(ROLLBACK, 'agent_sessions_without_session: agent_sessions rows point at a session that no longer exists (written while foreign keys were off), so no chat can be found for them. Nothing was changed. Delete them (DELETE FROM agent_sessions WHERE session_id NOT IN (SELECT id FROM sessions)), delete the failed chat_context row from _prisma_migrations, and deploy again.');
END;
INSERT INTO temp."agent_sessions_without_session" ("n")
SELECT COUNT(*) FROM "agent_sessions" a
WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('agent_sessions') WHERE "name" = 'chat_id')
  AND NOT EXISTS (SELECT 1 FROM "sessions" s WHERE s."id" = a."session_id");

BEGIN;

-- Scratch copies of the tables that are rebuilt (taken once; dropped last).
CREATE TABLE IF NOT EXISTS "_chat_context_session_worktrees" AS
SELECT * FROM "session_worktrees";
CREATE TABLE IF NOT EXISTS "_chat_context_agent_sessions" AS
SELECT *, NULL AS "chat_id", NULL AS "worktree_id" FROM "agent_sessions";
CREATE TABLE IF NOT EXISTS "_chat_context_tasks" AS
SELECT *, NULL AS "chat_id" FROM "tasks";

-- CreateTable
CREATE TABLE IF NOT EXISTS "worktrees" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT,
    "repo_path" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "branch" TEXT,
    "base_ref" TEXT,
    "host" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" DATETIME,
    CONSTRAINT "worktrees_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "worktrees_session_id_key" ON "worktrees"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "worktrees_path_key" ON "worktrees"("path");

-- Copy every legacy worktree that is not in worktrees yet (the same path in two sessions: the
-- earliest row wins, there is one directory).
INSERT OR IGNORE INTO "worktrees" ("id", "session_id", "repo_path", "path", "created_at")
SELECT lower(hex(randomblob(16))),
       CASE
           WHEN sw."session_rank" = 1
                AND EXISTS (SELECT 1 FROM "sessions" s WHERE s."id" = sw."session_id")
                AND NOT EXISTS (SELECT 1 FROM "worktrees" w WHERE w."session_id" = sw."session_id")
           THEN sw."session_id"
       END,
       '',
       sw."worktree_path",
       sw."created_at"
FROM (
    SELECT *,
           ROW_NUMBER() OVER (PARTITION BY "session_id" ORDER BY "created_at", "worktree_path") AS "session_rank",
           ROW_NUMBER() OVER (PARTITION BY "worktree_path" ORDER BY "created_at", "session_id") AS "path_rank"
    FROM "_chat_context_session_worktrees"
) sw
WHERE sw."path_rank" = 1
  AND NOT EXISTS (SELECT 1 FROM "worktrees" w WHERE w."path" = sw."worktree_path")
ORDER BY sw."created_at", sw."worktree_path";

-- A chat for every session that has old-shape agent sessions or tasks but no chat. The tasks scratch
-- holds `chat_id:1` when it was copied from the new shape: its NULL chat_ids are then tasks of
-- closed tabs, not rows to backfill.
INSERT INTO "chats" ("id", "session_id", "title", "agent", "position", "created_at")
SELECT lower(hex(randomblob(16))),
       s."id",
       'Chat',
       COALESCE(
           (SELECT a."agent" FROM "_chat_context_agent_sessions" a
            WHERE a."session_id" = s."id" ORDER BY a."created_at", a."id" LIMIT 1),
           (SELECT t."agent" FROM "_chat_context_tasks" t
            WHERE t."session_id" = s."id" ORDER BY t."created_at", t."id" LIMIT 1),
           'opencode'),
       0,
       s."created_at"
FROM "sessions" s
WHERE NOT EXISTS (SELECT 1 FROM "chats" c WHERE c."session_id" = s."id")
  AND (
      EXISTS (SELECT 1 FROM "_chat_context_agent_sessions" a
              WHERE a."session_id" = s."id" AND a."chat_id" IS NULL)
      OR (
          NOT EXISTS (SELECT 1 FROM pragma_table_info('_chat_context_tasks') WHERE "name" = 'chat_id:1')
          AND EXISTS (SELECT 1 FROM "_chat_context_tasks" t WHERE t."session_id" = s."id")
      )
  );

-- Backfill, in the scratch copies. On the new shape agent_sessions.chat_id is never NULL.
UPDATE "_chat_context_agent_sessions"
SET "chat_id" = (
        SELECT c."id" FROM "chats" c
        WHERE c."session_id" = "_chat_context_agent_sessions"."session_id"
        ORDER BY c."position", c."created_at", c."id" LIMIT 1),
    "worktree_id" = (
        SELECT w."id" FROM "worktrees" w
        WHERE w."session_id" = "_chat_context_agent_sessions"."session_id")
WHERE "chat_id" IS NULL;

UPDATE "_chat_context_tasks"
SET "chat_id" = (
        SELECT c."id" FROM "chats" c
        WHERE c."session_id" = "_chat_context_tasks"."session_id"
        ORDER BY c."position", c."created_at", c."id" LIMIT 1)
WHERE "chat_id" IS NULL
  AND NOT EXISTS (SELECT 1 FROM pragma_table_info('_chat_context_tasks') WHERE "name" = 'chat_id:1');

-- Gates after the copy, before anything is dropped: RAISE(ROLLBACK) undoes this transaction.
DROP TABLE IF EXISTS temp."worktree_copy_missing";
CREATE TEMP TABLE "worktree_copy_missing" ("n" INTEGER NOT NULL);
CREATE TEMP TRIGGER "worktree_copy_missing_gate"
BEFORE INSERT ON "worktree_copy_missing" WHEN NEW."n" > 0
BEGIN
    SELECT RAISE(ROLLBACK, 'worktree_copy_missing: a session_worktrees row was not copied into worktrees. Nothing was changed.');
END;
INSERT INTO temp."worktree_copy_missing" ("n")
SELECT COUNT(*) FROM "_chat_context_session_worktrees" sw
WHERE NOT EXISTS (SELECT 1 FROM "worktrees" w WHERE w."path" = sw."worktree_path");

DROP TABLE IF EXISTS temp."agent_sessions_without_chat";
CREATE TEMP TABLE "agent_sessions_without_chat" ("n" INTEGER NOT NULL);
CREATE TEMP TRIGGER "agent_sessions_without_chat_gate"
BEFORE INSERT ON "agent_sessions_without_chat" WHEN NEW."n" > 0
BEGIN
    SELECT RAISE(ROLLBACK, 'agent_sessions_without_chat: an agent_sessions row was left without a chat_id. Nothing was changed.');
END;
INSERT INTO temp."agent_sessions_without_chat" ("n")
SELECT COUNT(*) FROM "_chat_context_agent_sessions" WHERE "chat_id" IS NULL;

-- session_worktrees: defanged (no foreign key, so no CASCADE), rows kept as they are.
DROP TABLE IF EXISTS "session_worktrees";
CREATE TABLE IF NOT EXISTS "session_worktrees" (
    "session_id" TEXT NOT NULL,
    "worktree_path" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("session_id", "worktree_path")
);
INSERT INTO "session_worktrees" ("session_id", "worktree_path", "created_at")
SELECT "session_id", "worktree_path", "created_at" FROM "_chat_context_session_worktrees";

-- agent_sessions: keyed by (chat_id, agent); closing a chat ends its context.
DROP TABLE IF EXISTS "agent_sessions";
CREATE TABLE IF NOT EXISTS "agent_sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "chat_id" TEXT NOT NULL,
    "agent" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "config_hash" TEXT NOT NULL,
    "worktree_id" TEXT,
    "session_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_sessions_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "agent_sessions_worktree_id_fkey" FOREIGN KEY ("worktree_id") REFERENCES "worktrees" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "agent_sessions_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "agent_sessions" ("id", "chat_id", "agent", "external_id", "config_hash", "worktree_id", "session_id", "created_at", "updated_at")
SELECT "id", "chat_id", "agent", "external_id", "config_hash", "worktree_id", "session_id", "created_at", "updated_at"
FROM "_chat_context_agent_sessions";

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "agent_sessions_chat_id_agent_key" ON "agent_sessions"("chat_id", "agent");

-- tasks: chat_id added (history outlives the tab: ON DELETE SET NULL).
DROP TABLE IF EXISTS "tasks";
CREATE TABLE IF NOT EXISTS "tasks" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "chat_id" TEXT,
    "session_id" TEXT,
    "agent" TEXT NOT NULL,
    "creator" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    CONSTRAINT "tasks_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "tasks" ("id", "chat_id", "session_id", "agent", "creator", "prompt", "status", "error", "created_at", "started_at", "finished_at")
SELECT "id", "chat_id", "session_id", "agent", "creator", "prompt", "status", "error", "created_at", "started_at", "finished_at"
FROM "_chat_context_tasks";

-- CreateIndex
CREATE INDEX IF NOT EXISTS "tasks_chat_id_idx" ON "tasks"("chat_id");

DROP TABLE IF EXISTS "_chat_context_session_worktrees";
DROP TABLE IF EXISTS "_chat_context_agent_sessions";
DROP TABLE IF EXISTS "_chat_context_tasks";

COMMIT;

DROP TABLE IF EXISTS temp."agent_sessions_without_session";
DROP TABLE IF EXISTS temp."worktree_copy_missing";
DROP TABLE IF EXISTS temp."agent_sessions_without_chat";
