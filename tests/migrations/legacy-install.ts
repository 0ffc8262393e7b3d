import Database from "better-sqlite3";

// Rows as an install on the `init` schema had them: agent sessions keyed by session, tasks without
// chat_id, worktrees known only through session_worktrees. Timestamps in the format Prisma writes.

type Row = Record<string, string | number | null>;

const at = (hhmm: string) => `2025-06-01T${hhmm}:00.000+00:00`;
const root = "/tmp/booworktrees";

export const sessions = [
  { id: "s_chats", title: "Session with chats", created_at: at("10:00"), updated_at: at("10:00") },
  { id: "s_nochat", title: "Session without chats", created_at: at("11:00"), updated_at: at("11:10") },
  { id: "s_tasks", title: "Session with only tasks", created_at: at("12:00"), updated_at: at("12:00") },
  { id: "s_idle", title: "Session with nothing", created_at: at("13:00"), updated_at: at("13:00") },
  { id: "s_tie", title: "Session whose chats tie", created_at: at("14:00"), updated_at: at("14:00") },
] satisfies Row[];

/** A session id that no longer exists (written while foreign keys were off). */
export const GONE_SESSION = "s_deleted";

export const chats = [
  // s_chats: the first chat is c_first (position 0, before c_second by created_at), not c_pos1
  // (the oldest, but position 1).
  { id: "c_pos1", session_id: "s_chats", title: "Review", agent: "opencode", position: 1, created_at: at("10:01") },
  { id: "c_second", session_id: "s_chats", title: "Second", agent: "opencode", position: 0, created_at: at("10:06") },
  { id: "c_first", session_id: "s_chats", title: "Main", agent: "opencode", position: 0, created_at: at("10:05") },
  // s_tie: same position and created_at, so the id decides.
  { id: "c_tie_b", session_id: "s_tie", title: "B", agent: "opencode", position: 0, created_at: at("14:01") },
  { id: "c_tie_a", session_id: "s_tie", title: "A", agent: "opencode", position: 0, created_at: at("14:01") },
] satisfies Row[];

export const messages = [
  { id: "m1", chat_id: "c_first", task_id: "t_chats_1", role: "user", parts: '[{"type":"text","text":"hi"}]', created_at: at("10:07") },
  { id: "m2", chat_id: "c_first", task_id: "t_chats_1", role: "assistant", parts: '[{"type":"text","text":"hello"}]', created_at: at("10:08") },
  { id: "m3", chat_id: "c_pos1", task_id: null, role: "user", parts: "[]", created_at: at("10:09") },
] satisfies Row[];

export const agentSessions = [
  { id: "as_chats_oc", session_id: "s_chats", agent: "opencode", external_id: "ses_oc_1", config_hash: "hash-oc-1", created_at: at("10:10"), updated_at: at("10:20") },
  { id: "as_chats_ext", session_id: "s_chats", agent: "claude", external_id: "ses_cl_1", config_hash: "hash-cl-1", created_at: at("10:11"), updated_at: at("10:21") },
  { id: "as_nochat", session_id: "s_nochat", agent: "codex", external_id: "ses_cx_1", config_hash: "hash-cx-1", created_at: at("11:05"), updated_at: at("11:06") },
  { id: "as_tie", session_id: "s_tie", agent: "opencode", external_id: "ses_oc_2", config_hash: "hash-oc-2", created_at: at("14:02"), updated_at: at("14:03") },
] satisfies Row[];

export const tasks = [
  { id: "t_chats_1", session_id: "s_chats", agent: "opencode", creator: "tab", prompt: "hi", status: "succeeded", error: null, created_at: at("10:07"), started_at: at("10:07"), finished_at: at("10:08") },
  { id: "t_chats_2", session_id: "s_chats", agent: "opencode", creator: "skill", prompt: "run lint", status: "failed", error: "exit 1", created_at: at("10:30"), started_at: at("10:30"), finished_at: at("10:31") },
  { id: "t_nochat", session_id: "s_nochat", agent: "codex", creator: "tab", prompt: "fix it", status: "succeeded", error: null, created_at: at("11:05"), started_at: at("11:05"), finished_at: at("11:09") },
  { id: "t_tasks_only", session_id: "s_tasks", agent: "opencode", creator: "mcp", prompt: "from mcp", status: "queued", error: null, created_at: at("12:01"), started_at: null, finished_at: null },
  { id: "t_sessionless", session_id: null, agent: "opencode", creator: "arena", prompt: "arena entry", status: "cancelled", error: null, created_at: at("15:00"), started_at: null, finished_at: null },
  { id: "t_gone", session_id: GONE_SESSION, agent: "opencode", creator: "tab", prompt: "old", status: "succeeded", error: null, created_at: at("09:00"), started_at: at("09:00"), finished_at: at("09:01") },
] satisfies Row[];

export const sessionWorktrees = [
  { session_id: "s_chats", worktree_path: `${root}/s_chats`, created_at: at("10:00") },
  { session_id: "s_nochat", worktree_path: `${root}/s_nochat`, created_at: at("11:00") },
  // A second worktree of one session: worktrees.session_id is unique, so it is kept as an orphan.
  { session_id: "s_nochat", worktree_path: `${root}/s_nochat-2`, created_at: at("11:30") },
  // The worktree of a session deleted while foreign keys were off: kept as an orphan too.
  { session_id: GONE_SESSION, worktree_path: `${root}/s_deleted`, created_at: at("09:00") },
] satisfies Row[];

/** What chat_context must produce for the rows above. `new:<session>` is the chat it creates for that session. */
export const expected: {
  agentSessionChat: Record<string, string>;
  /** The worktree path whose worktrees row the agent session points at. */
  agentSessionWorktree: Record<string, string | null>;
  taskChat: Record<string, string | null>;
  newChats: Record<string, string>;
  worktreeSession: Record<string, string | null>;
} = {
  agentSessionChat: { as_chats_oc: "c_first", as_chats_ext: "c_first", as_nochat: "new:s_nochat", as_tie: "c_tie_a" },
  agentSessionWorktree: { as_chats_oc: `${root}/s_chats`, as_chats_ext: `${root}/s_chats`, as_nochat: `${root}/s_nochat`, as_tie: null },
  taskChat: {
    t_chats_1: "c_first",
    t_chats_2: "c_first",
    t_nochat: "new:s_nochat",
    t_tasks_only: "new:s_tasks",
    t_sessionless: null,
    t_gone: null,
  },
  /** Sessions that get a chat, with the agent of that chat (its first agent session's, else its first task's). */
  newChats: { s_nochat: "codex", s_tasks: "opencode" },
  worktreeSession: {
    [`${root}/s_chats`]: "s_chats",
    [`${root}/s_nochat`]: "s_nochat",
    [`${root}/s_nochat-2`]: null,
    [`${root}/s_deleted`]: null,
  },
};

function insertRows(db: Database.Database, table: string, rows: readonly Row[]): void {
  for (const row of rows) {
    const columns = Object.keys(row);
    db.prepare(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    ).run(row);
  }
}

/** Loads the rows above into a database that has only the `init` migration. */
export function seedLegacyInstall(file: string): void {
  const db = new Database(file);
  try {
    db.transaction(() => {
      insertRows(db, "sessions", sessions);
      insertRows(db, "chats", chats);
      insertRows(db, "messages", messages);
      insertRows(db, "agent_sessions", agentSessions);
      insertRows(db, "tasks", tasks);
      insertRows(db, "session_worktrees", sessionWorktrees.filter((r) => r.session_id !== GONE_SESSION));
    })();
    // Rows an install running without foreign keys could leave behind.
    db.pragma("foreign_keys = OFF");
    insertRows(db, "session_worktrees", sessionWorktrees.filter((r) => r.session_id === GONE_SESSION));
  } finally {
    db.close();
  }
}

/** An agent_sessions row whose session no longer exists: chat_context must refuse such a database. */
export const orphanAgentSession = {
  id: "as_orphan",
  session_id: GONE_SESSION,
  agent: "opencode",
  external_id: "ses_orphan",
  config_hash: "hash-orphan",
  created_at: at("09:00"),
  updated_at: at("09:00"),
} satisfies Row;

export function seedOrphanAgentSession(file: string): void {
  const db = new Database(file);
  try {
    db.pragma("foreign_keys = OFF");
    insertRows(db, "agent_sessions", [orphanAgentSession]);
  } finally {
    db.close();
  }
}
