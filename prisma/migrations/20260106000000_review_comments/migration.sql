-- review_comments: line comments on a session's changes (the Changes view), kept until they are
-- sent to a tab's agent as one message. A new table only: nothing existing changes, so there is no
-- gate; IF NOT EXISTS makes a second apply a no-op. Deleting a session deletes its comments.

-- CreateTable
CREATE TABLE IF NOT EXISTS "review_comments" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "end_line" INTEGER,
    "side" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "quote" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" DATETIME,
    "sent_task_id" TEXT,
    CONSTRAINT "review_comments_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX IF NOT EXISTS "review_comments_session_id_sent_at_idx" ON "review_comments"("session_id", "sent_at");
