-- arena_sessions: one worktree per session, held by the database (docs/ARCHITECTURE.md).
--
-- task_creators let a session own its arena entries' worktrees beside its own, and dropped the
-- unique index on worktrees.session_id. Here every arena entry becomes a session of its own:
-- * sessions gets arena_id (the arena the session is an entry of; the arena's session_id is the
--   session that started it);
-- * every live arena worktree of a session that owns more than one worktree moves to a new entry
--   session (id 'ae' || the worktree's id, titled like the entry's tab, created when the worktree
--   was, linked to the tab's arena, or for a closed tab to the arena its branch name gives),
--   together with its tab(s) (chats.worktree_id): the tabs keep their ids, so their messages,
--   agent sessions and tasks follow them; tasks and agent sessions of those tabs get the entry
--   session as session_id. An entry whose tab was closed gets a fresh "Tab 1";
-- * a removed worktree row (removed_at set) of a session that owns another row is detached
--   (session_id NULL): it is history, and the session keeps its live worktree;
-- * chats loses worktree_id and arena_id (an entry is its session now), and
--   UNIQUE(worktrees.session_id) comes back (NULLs allowed: orphans).
--
-- Like chat_context (Prisma 6.19 runs no migration in a transaction on SQLite and stops at the
-- first failing statement):
-- * the gate that can refuse a database runs first, before any change: a session that owns two
--   live worktrees that are not arena entries (BooChat never makes that state) cannot be split
--   without a guess, so nothing is changed and the message says what to do;
-- * every change runs in one explicit transaction, with foreign keys off (set before BEGIN, since
--   sessions and chats are parents that are rebuilt: with foreign keys on, dropping them would
--   cascade into chats and messages). A gate checks that they really are off before any drop;
-- * every statement can run again: the rebuilt tables are copied to `_arena_sessions_*` scratch
--   tables with `CREATE TABLE IF NOT EXISTS ... AS SELECT *, NULL AS <column>` (on the new shape
--   the NULL column is the one that counts, on the old one SQLite names it `<column>:1`), moves
--   are computed from the data (a session that owns one worktree moves nothing), and the scratch
--   tables are dropped last. A second apply changes nothing.
--
-- When the gate refuses, `migrate deploy` records arena_sessions as failed in _prisma_migrations;
-- `prisma migrate resolve` does not work with the JS engine: after fixing the data, delete that row
-- (DELETE FROM _prisma_migrations WHERE migration_name = '20260105000000_arena_sessions' AND
-- finished_at IS NULL) and deploy again.

DROP TABLE IF EXISTS temp."session_owns_two_worktrees";
CREATE TEMP TABLE "session_owns_two_worktrees" ("n" INTEGER NOT NULL);
CREATE TEMP TRIGGER "session_owns_two_worktrees_gate"
BEFORE INSERT ON "session_owns_two_worktrees" WHEN NEW."n" > 0
BEGIN
    SELECT RAISE(ROLLBACK, 'session_owns_two_worktrees: a session owns two or more live worktrees that are not arena entries, so BooChat cannot tell which one is its own. Nothing was changed. List them with SELECT session_id, id, path FROM worktrees WHERE removed_at IS NULL AND purpose <> ''arena'' AND session_id IN (SELECT session_id FROM worktrees WHERE removed_at IS NULL AND purpose <> ''arena'' GROUP BY session_id HAVING COUNT(*) > 1); set session_id = NULL on all but the session''s own (they stay on disk, listed as orphaned worktrees), delete the failed arena_sessions row from _prisma_migrations, and deploy again.');
END;
INSERT INTO temp."session_owns_two_worktrees" ("n")
SELECT COUNT(*) FROM (
    SELECT "session_id" FROM "worktrees"
    WHERE "session_id" IS NOT NULL AND "removed_at" IS NULL AND "purpose" <> 'arena'
    GROUP BY "session_id" HAVING COUNT(*) > 1
);

PRAGMA foreign_keys=OFF;

BEGIN;

DROP TABLE IF EXISTS temp."foreign_keys_still_on";
CREATE TEMP TABLE "foreign_keys_still_on" ("n" INTEGER NOT NULL);
CREATE TEMP TRIGGER "foreign_keys_still_on_gate"
BEFORE INSERT ON "foreign_keys_still_on" WHEN NEW."n" > 0
BEGIN
    SELECT RAISE(ROLLBACK, 'foreign_keys_still_on: foreign keys could not be switched off, and rebuilding sessions and chats with them on would delete every tab. Nothing was changed.');
END;
INSERT INTO temp."foreign_keys_still_on" ("n") SELECT "foreign_keys" FROM pragma_foreign_keys;

-- Scratch copies of the tables that are rebuilt (taken once; dropped last).
CREATE TABLE IF NOT EXISTS "_arena_sessions_sessions" AS
SELECT *, NULL AS "arena_id" FROM "sessions";
CREATE TABLE IF NOT EXISTS "_arena_sessions_chats" AS
SELECT *, NULL AS "worktree_id", NULL AS "arena_id" FROM "chats";

-- The moves, computed before anything changes.
DROP TABLE IF EXISTS temp."_arena_sessions_moves";
CREATE TEMP TABLE "_arena_sessions_moves" AS
SELECT w."id" AS "worktree_id",
       'ae' || w."id" AS "entry_id",
       w."created_at" AS "created_at",
       COALESCE(
           (SELECT c."arena_id" FROM "_arena_sessions_chats" c
            WHERE c."worktree_id" = w."id" AND c."arena_id" IS NOT NULL
              AND EXISTS (SELECT 1 FROM "arenas" a WHERE a."id" = c."arena_id")
            ORDER BY c."position", c."created_at", c."id" LIMIT 1),
           -- a closed tab: the branch create-arena made, boochat/arena-<last 6 of the arena id>-<n>-…
           (SELECT a."id" FROM "arenas" a
            WHERE a."session_id" = w."session_id"
              AND substr(w."branch", 1, length('boochat/arena-' || substr(a."id", -6) || '-')) = 'boochat/arena-' || substr(a."id", -6) || '-'
            ORDER BY a."created_at" DESC, a."id" LIMIT 1)) AS "arena_id",
       COALESCE(
           (SELECT c."title" FROM "_arena_sessions_chats" c
            WHERE c."worktree_id" = w."id" ORDER BY c."position", c."created_at", c."id" LIMIT 1),
           w."branch",
           'Arena entry') AS "title"
FROM "worktrees" w
WHERE w."purpose" = 'arena' AND w."removed_at" IS NULL AND w."session_id" IS NOT NULL
  AND (SELECT COUNT(*) FROM "worktrees" o WHERE o."session_id" = w."session_id") > 1;

DROP TABLE IF EXISTS temp."_arena_sessions_chat_moves";
CREATE TEMP TABLE "_arena_sessions_chat_moves" AS
SELECT c."id" AS "chat_id",
       m."entry_id" AS "entry_id",
       ROW_NUMBER() OVER (PARTITION BY m."entry_id" ORDER BY c."position", c."created_at", c."id") - 1 AS "position"
FROM "_arena_sessions_chats" c
JOIN temp."_arena_sessions_moves" m ON m."worktree_id" = c."worktree_id";

DROP TABLE IF EXISTS temp."_arena_sessions_detach";
CREATE TEMP TABLE "_arena_sessions_detach" AS
SELECT w."id" AS "worktree_id" FROM "worktrees" w
WHERE w."removed_at" IS NOT NULL AND w."session_id" IS NOT NULL
  AND (SELECT COUNT(*) FROM "worktrees" o WHERE o."session_id" = w."session_id") > 1;

-- RedefineTables: sessions gains arena_id.
DROP TABLE "sessions";
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "arena_id" TEXT,
    CONSTRAINT "sessions_arena_id_fkey" FOREIGN KEY ("arena_id") REFERENCES "arenas" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "sessions" ("id", "title", "created_at", "updated_at", "arena_id")
SELECT "id", "title", "created_at", "updated_at", "arena_id" FROM "_arena_sessions_sessions";
CREATE INDEX IF NOT EXISTS "sessions_arena_id_idx" ON "sessions"("arena_id");

-- The entry sessions.
INSERT INTO "sessions" ("id", "title", "created_at", "updated_at", "arena_id")
SELECT m."entry_id", m."title", m."created_at", m."created_at", m."arena_id"
FROM temp."_arena_sessions_moves" m
WHERE NOT EXISTS (SELECT 1 FROM "sessions" s WHERE s."id" = m."entry_id");

-- RedefineTables: chats loses worktree_id and arena_id; the entries' tabs move to their sessions.
DROP TABLE "chats";
CREATE TABLE "chats" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT,
    "title" TEXT NOT NULL,
    "agent" TEXT NOT NULL DEFAULT 'opencode',
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "creator_key" TEXT,
    "model" TEXT,
    "started_by_task_id" TEXT,
    CONSTRAINT "chats_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "chats_started_by_task_id_fkey" FOREIGN KEY ("started_by_task_id") REFERENCES "tasks" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "chats" ("id", "session_id", "title", "agent", "position", "created_at", "creator_key", "model", "started_by_task_id")
SELECT c."id", COALESCE(cm."entry_id", c."session_id"), c."title", c."agent", COALESCE(cm."position", c."position"),
       c."created_at", c."creator_key", c."model", c."started_by_task_id"
FROM "_arena_sessions_chats" c
LEFT JOIN temp."_arena_sessions_chat_moves" cm ON cm."chat_id" = c."id";
CREATE UNIQUE INDEX IF NOT EXISTS "chats_creator_key_key" ON "chats"("creator_key");
CREATE INDEX IF NOT EXISTS "chats_session_id_position_idx" ON "chats"("session_id", "position");

-- An entry whose tab was closed still gets one: every session can be talked to.
INSERT INTO "chats" ("id", "session_id", "title", "agent", "position", "created_at")
SELECT 'ac' || m."worktree_id", m."entry_id", 'Tab 1', 'opencode', 0, m."created_at"
FROM temp."_arena_sessions_moves" m
WHERE NOT EXISTS (SELECT 1 FROM "chats" c WHERE c."session_id" = m."entry_id");

-- What follows the tabs: their tasks and agent sessions name the entry session.
UPDATE "tasks"
SET "session_id" = (SELECT cm."entry_id" FROM temp."_arena_sessions_chat_moves" cm WHERE cm."chat_id" = "tasks"."chat_id")
WHERE "chat_id" IN (SELECT "chat_id" FROM temp."_arena_sessions_chat_moves");
UPDATE "agent_sessions"
SET "session_id" = (SELECT cm."entry_id" FROM temp."_arena_sessions_chat_moves" cm WHERE cm."chat_id" = "agent_sessions"."chat_id")
WHERE "chat_id" IN (SELECT "chat_id" FROM temp."_arena_sessions_chat_moves");

-- The worktrees: entries' to their sessions, removed rows of a session that owns another detached.
UPDATE "worktrees"
SET "session_id" = (SELECT m."entry_id" FROM temp."_arena_sessions_moves" m WHERE m."worktree_id" = "worktrees"."id")
WHERE "id" IN (SELECT "worktree_id" FROM temp."_arena_sessions_moves");
UPDATE "worktrees" SET "session_id" = NULL
WHERE "id" IN (SELECT "worktree_id" FROM temp."_arena_sessions_detach");

-- Gate after the moves, before the index: RAISE(ROLLBACK) undoes this transaction.
INSERT INTO temp."session_owns_two_worktrees" ("n")
SELECT COUNT(*) FROM (
    SELECT "session_id" FROM "worktrees" WHERE "session_id" IS NOT NULL GROUP BY "session_id" HAVING COUNT(*) > 1
);

-- One worktree per session.
DROP INDEX IF EXISTS "worktrees_session_id_idx";
CREATE UNIQUE INDEX IF NOT EXISTS "worktrees_session_id_key" ON "worktrees"("session_id");

DROP TABLE "_arena_sessions_sessions";
DROP TABLE "_arena_sessions_chats";
DROP TABLE temp."_arena_sessions_moves";
DROP TABLE temp."_arena_sessions_chat_moves";
DROP TABLE temp."_arena_sessions_detach";

COMMIT;

PRAGMA foreign_keys=ON;
