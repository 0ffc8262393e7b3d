-- arena_results: an arena entry's evidence (files changed and +/- against the arena's base, time
-- taken, the repository's own check from .boochat/arena.json), measured when its agent's task
-- ended. A new table only; IF NOT EXISTS makes a second apply a no-op. Deleting the entry session
-- deletes its result.

-- CreateTable
CREATE TABLE IF NOT EXISTS "arena_entry_results" (
    "session_id" TEXT NOT NULL PRIMARY KEY,
    "files_changed" INTEGER,
    "additions" INTEGER,
    "deletions" INTEGER,
    "duration_ms" INTEGER,
    "check_status" TEXT,
    "check_exit_code" INTEGER,
    "check_tail" TEXT,
    "error" TEXT,
    "measured_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "arena_entry_results_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
