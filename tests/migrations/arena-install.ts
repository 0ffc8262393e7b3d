import Database from "better-sqlite3";

// Rows as an install on the `task_creators` schema had them: arena entries were tabs of the session
// that started the arena, each with its own worktree (purpose 'arena') hanging off that session.

type Row = Record<string, string | number | null>;

const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000+00:00`;
const root = "/srv/worktrees";

export const sessions = [
  { id: "s_origin", title: "Model race", created_at: at("10:00"), updated_at: at("10:00") },
  { id: "s_plain", title: "Plain session", created_at: at("11:00"), updated_at: at("11:00") },
  { id: "s_chat_only", title: "Chat only", created_at: at("12:00"), updated_at: at("12:00") },
] satisfies Row[];

export const arenas = [{ id: "arena_0001abcdef", session_id: "s_origin", prompt: "race", winner_chat_id: "c_e2", created_at: at("10:10") }] satisfies Row[];

const worktree = (id: string, sessionId: string | null, name: string, purpose: string, createdAt: string, extra: Row = {}): Row => ({
  id,
  session_id: sessionId,
  repo_path: "/home/me/repo",
  path: `${root}/${name}`,
  branch: `boochat/${name}`,
  base_ref: "0123456789abcdef0123456789abcdef01234567",
  host: "http://127.0.0.1:4319",
  created_at: createdAt,
  removed_at: null,
  purpose,
  ...extra,
});

export const worktrees = [
  worktree("w_own", "s_origin", "model-race-own", "session", at("10:00")),
  worktree("w_e1", "s_origin", "arena-abcdef-1-mock-1", "arena", at("10:11")),
  worktree("w_e2", "s_origin", "arena-abcdef-2-mock-2", "arena", at("10:12")),
  // An entry whose tab was closed: its arena is known only from its branch name.
  worktree("w_e3", "s_origin", "arena-abcdef-3-aider", "arena", at("10:13")),
  // An entry of a half-made arena that was taken back: removed, but still naming the session.
  worktree("w_undone", "s_origin", "arena-zzzzzz-1-mock-1", "arena", at("10:05"), { removed_at: at("10:06") }),
  worktree("w_plain", "s_plain", "plain", "session", at("11:00")),
  worktree("w_orphan", null, "orphan", "session", at("09:00")),
];

const chat = (id: string, sessionId: string, title: string, position: number, extra: Row = {}): Row => ({
  id,
  session_id: sessionId,
  title,
  agent: "opencode",
  position,
  created_at: at(`10:${String(20 + position).padStart(2, "0")}`),
  creator_key: null,
  model: null,
  worktree_id: null,
  started_by_task_id: null,
  arena_id: null,
  ...extra,
});

export const chats = [
  chat("c_main", "s_origin", "Tab 1", 0),
  chat("c_e1", "s_origin", "Arena 1: mock/mock-1", 1, { worktree_id: "w_e1", arena_id: "arena_0001abcdef", model: "mock/mock-1" }),
  chat("c_e2", "s_origin", "Arena 2: mock/mock-2", 2, { worktree_id: "w_e2", arena_id: "arena_0001abcdef", model: "mock/mock-2" }),
  chat("c_after", "s_origin", "Tab 4", 3),
  chat("c_plain", "s_plain", "Tab 1", 0),
  chat("c_chat_only", "s_chat_only", "Tab 1", 0),
];

export const messages = [
  { id: "m_main", chat_id: "c_main", task_id: null, role: "user", parts: '[{"type":"text","text":"hello"}]', created_at: at("10:30") },
  { id: "m_e1_user", chat_id: "c_e1", task_id: "t_e1", role: "user", parts: '[{"type":"text","text":"race"}]', created_at: at("10:31") },
  { id: "m_e1_answer", chat_id: "c_e1", task_id: "t_e1", role: "assistant", parts: '[{"type":"text","text":"one"}]', created_at: at("10:32") },
  { id: "m_e2_answer", chat_id: "c_e2", task_id: "t_e2", role: "assistant", parts: '[{"type":"text","text":"two"}]', created_at: at("10:33") },
] satisfies Row[];

const task = (id: string, chatId: string | null, sessionId: string | null, creator: string): Row => ({
  id,
  chat_id: chatId,
  session_id: sessionId,
  agent: "opencode",
  creator,
  prompt: "race",
  status: "succeeded",
  error: null,
  created_at: at("10:31"),
  started_at: at("10:31"),
  finished_at: at("10:35"),
});

export const tasks = [task("t_main", "c_main", "s_origin", "tab"), task("t_e1", "c_e1", "s_origin", "arena"), task("t_e2", "c_e2", "s_origin", "arena")];

export const agentSessions = [
  { id: "as_main", chat_id: "c_main", agent: "opencode", external_id: "ses_main", config_hash: "h0", worktree_id: "w_own", session_id: "s_origin", created_at: at("10:31"), updated_at: at("10:31") },
  { id: "as_e1", chat_id: "c_e1", agent: "opencode", external_id: "ses_e1", config_hash: "h1", worktree_id: "w_e1", session_id: "s_origin", created_at: at("10:31"), updated_at: at("10:31") },
  { id: "as_e2", chat_id: "c_e2", agent: "opencode", external_id: "ses_e2", config_hash: "h2", worktree_id: "w_e2", session_id: "s_origin", created_at: at("10:31"), updated_at: at("10:31") },
] satisfies Row[];

function insertAll(db: Database.Database, table: string, rows: readonly Row[]): void {
  for (const row of rows) {
    const columns = Object.keys(row);
    db.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(
      ...columns.map((c) => row[c]),
    );
  }
}

/** Writes the arena install's rows into a database that has the chain up to task_creators. */
export function seedArenaInstall(file: string): void {
  const db = new Database(file);
  try {
    db.pragma("foreign_keys = OFF");
    db.transaction(() => {
      insertAll(db, "sessions", sessions);
      insertAll(db, "arenas", arenas);
      insertAll(db, "worktrees", worktrees);
      insertAll(db, "tasks", tasks);
      insertAll(db, "chats", chats);
      insertAll(db, "messages", messages);
      insertAll(db, "agent_sessions", agentSessions);
    })();
  } finally {
    db.close();
  }
}

/** A second live worktree of its own for s_plain: no rule can tell which one is the session's. */
export function seedSessionWithTwoOwnWorktrees(file: string): void {
  const db = new Database(file);
  try {
    insertAll(db, "worktrees", [worktree("w_plain_2", "s_plain", "plain-2", "session", at("11:30"))]);
  } finally {
    db.close();
  }
}

/** The entry session made for an arena worktree: its id is derived from the worktree's. */
export const entrySessionOf = (worktreeId: string) => `ae${worktreeId}`;
