-- session_paging: the sidebar loads sessions that are not arena entries a page at a time, newest
-- first (session.page), keyset on (created_at, id). This index serves that filter and that order
-- at once (no sort), so a page costs the same at 10,000 sessions as at 100.
-- Nothing else changes; IF NOT EXISTS makes a second apply a no-op.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "sessions_arena_id_created_at_id_idx" ON "sessions"("arena_id", "created_at", "id");
