import Database from "better-sqlite3";

/**
 * Adds `sessions` sessions to an install on the task_creators schema, each with its own worktree
 * and an arena of two entries (worktrees of purpose 'arena' with their tabs): the rows the
 * arena_sessions migration moves, enough of them that it takes a second or so, so a kill can land
 * in the middle of it.
 */
export function seedBulkArenaInstall(file: string, sessions: number): void {
  const db = new Database(file);
  try {
    db.pragma("foreign_keys = OFF");
    const at = "2026-03-01T10:00:00.000+00:00";
    const session = db.prepare(`INSERT INTO sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)`);
    const arena = db.prepare(`INSERT INTO arenas (id, session_id, prompt, created_at) VALUES (?, ?, ?, ?)`);
    const worktree = db.prepare(`INSERT INTO worktrees (id, session_id, repo_path, path, branch, created_at, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const chat = db.prepare(`INSERT INTO chats (id, session_id, title, agent, position, created_at, worktree_id, arena_id, model) VALUES (?, ?, ?, 'opencode', ?, ?, ?, ?, ?)`);
    db.transaction(() => {
      for (let i = 0; i < sessions; i += 1) {
        session.run(`bulk_s${i}`, `Bulk ${i}`, at, at);
        arena.run(`bulk_arena${i}`, `bulk_s${i}`, "race", at);
        worktree.run(`bulk_w${i}`, `bulk_s${i}`, "/home/me/repo", `/srv/worktrees/bulk-${i}`, `boochat/bulk-${i}`, at, "session");
        chat.run(`bulk_c${i}`, `bulk_s${i}`, "Tab 1", 0, at, null, null, null);
        for (let k = 1; k <= 2; k += 1) {
          worktree.run(`bulk_w${i}_${k}`, `bulk_s${i}`, "/home/me/repo", `/srv/worktrees/bulk-${i}-${k}`, `boochat/arena-bulk${i}-${k}-mock`, at, "arena");
          chat.run(`bulk_c${i}_${k}`, `bulk_s${i}`, `Arena ${k}`, k, at, `bulk_w${i}_${k}`, `bulk_arena${i}`, `mock/mock-${k}`);
        }
      }
    })();
  } finally {
    db.close();
  }
}
