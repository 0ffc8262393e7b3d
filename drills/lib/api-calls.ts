import fc from "fast-check";

/**
 * Generated calls for every tRPC procedure and every MCP tool. Live ids are placeholders filled in
 * when the call is sent (drills/api-fuzz.ts): {{session}} a session with a worktree, {{chatOnly}} a
 * session without, {{anySession}}, {{chat}}, {{task}}, {{worktreeId}}, {{wtPath}} (a session's
 * worktree path), {{arena}}, {{comment}}, {{repo}} (the user's repository), {{sentinel}} (outside the
 * root), {{fresh}} (a new number).
 */

export type ProcedureKind = "query" | "mutation" | "subscription";

export type ApiCall =
  | { kind: "trpc"; procedure: string; type: ProcedureKind; input: unknown; raw?: { body: string; meta?: string } }
  | { kind: "trpc-batch"; procedures: string[]; type: ProcedureKind; inputs: unknown[] }
  | { kind: "trpc-raw"; method: string; path: string; body?: string; contentType?: string }
  | { kind: "mcp-tool"; tool: string; args: unknown }
  | { kind: "mcp-raw"; body: string; session: "valid" | "none" | "wrong"; method: string };

/** Valid-looking inputs of each procedure, before any field is bent. */
export const TEMPLATES: Record<string, { type: ProcedureKind; inputs: unknown[] }> = {
  "session.list": { type: "query", inputs: [undefined] },
  "session.page": { type: "query", inputs: [{}, { limit: 10 }, { query: "fuzz" }, { cursor: "bm90LWEtY3Vyc29y", limit: 5 }] },
  "session.get": { type: "query", inputs: [{ id: "{{anySession}}" }] },
  "session.create": { type: "mutation", inputs: [{ title: "fuzz {{fresh}}" }, { title: "wt {{fresh}}", repoPath: "{{repo}}" }, { title: "branch {{fresh}}", repoPath: "{{repo}}", branch: "drill/{{fresh}}" }] },
  "session.rename": { type: "mutation", inputs: [{ id: "{{anySession}}", title: "renamed {{fresh}}" }] },
  "session.delete": { type: "mutation", inputs: [{ id: "{{session}}" }, { id: "{{chatOnly}}" }, { id: "{{anySession}}", force: true }] },
  "session.stashAndDelete": { type: "mutation", inputs: [{ id: "{{session}}" }] },
  "session.cleanupCandidates": { type: "query", inputs: [undefined] },
  "session.cleanup": { type: "mutation", inputs: [{ ids: ["{{session}}", "{{session}}"] }] },
  "session.stopAgents": { type: "mutation", inputs: [{ id: "{{anySession}}" }] },
  "chat.list": { type: "query", inputs: [{ sessionId: "{{anySession}}" }] },
  "chat.create": { type: "mutation", inputs: [{ sessionId: "{{anySession}}" }, { sessionId: "{{anySession}}", title: "tab {{fresh}}" }] },
  "chat.rename": { type: "mutation", inputs: [{ id: "{{chat}}", title: "tab {{fresh}}" }] },
  "chat.close": { type: "mutation", inputs: [{ id: "{{chat}}" }] },
  "chat.messages": { type: "query", inputs: [{ chatId: "{{chat}}" }] },
  "chat.events": { type: "subscription", inputs: [{ chatId: "{{chat}}" }, { chatId: "{{chat}}", lastEventId: "x.1" }] },
  "chat.eventsOf": { type: "subscription", inputs: [{ chatIds: ["{{chat}}", "{{chat}}"] }] },
  "worktree.orphans": { type: "query", inputs: [undefined] },
  "worktree.inspect": { type: "query", inputs: [{ id: "{{worktreeId}}" }] },
  "worktree.reattach": { type: "mutation", inputs: [{ id: "{{worktreeId}}" }, { id: "{{worktreeId}}", title: "back {{fresh}}" }] },
  "worktree.remove": { type: "mutation", inputs: [{ id: "{{worktreeId}}" }] },
  "worktree.stash": { type: "mutation", inputs: [{ sessionId: "{{session}}" }, { sessionId: "{{session}}", path: "{{wtPath}}" }] },
  "worktree.commit": { type: "mutation", inputs: [{ sessionId: "{{session}}", message: "drill commit {{fresh}}" }] },
  "worktree.risk": { type: "query", inputs: [{ sessionId: "{{session}}" }] },
  "worktree.riskBadges": { type: "query", inputs: [{ sessionIds: ["{{session}}", "{{chatOnly}}", "{{session}}"] }] },
  "worktree.push": { type: "mutation", inputs: [{ sessionId: "{{session}}" }] },
  "worktree.fetch": { type: "mutation", inputs: [{ sessionId: "{{session}}" }] },
  "worktree.pullRequestUrl": { type: "query", inputs: [{ sessionId: "{{session}}" }] },
  "worktree.diff": { type: "query", inputs: [{ sessionId: "{{session}}" }, { sessionId: "{{session}}", scope: "uncommitted" }] },
  "coder.message": { type: "mutation", inputs: [{ chatId: "{{chat}}", text: "hello {{fresh}}" }] },
  "coder.abort": { type: "mutation", inputs: [{ taskId: "{{task}}" }] },
  "coder.agents": { type: "query", inputs: [undefined] },
  "task.create": { type: "mutation", inputs: [{ prompt: "drill {{fresh}}", creator: "generic" }, { prompt: "drill {{fresh}}", creator: "mcp", sessionId: "{{anySession}}", ref: "r{{fresh}}" }] },
  "task.get": { type: "query", inputs: [{ id: "{{task}}" }] },
  "task.list": { type: "query", inputs: [{ chatId: "{{chat}}" }, { sessionId: "{{anySession}}" }] },
  "task.cancel": { type: "mutation", inputs: [{ id: "{{task}}" }] },
  "skills.list": { type: "query", inputs: [{ chatId: "{{chat}}" }] },
  "skills.run": { type: "mutation", inputs: [{ chatId: "{{chat}}", name: "no-such-skill" }] },
  "arena.create": { type: "mutation", inputs: [{ sessionId: "{{session}}", prompt: "race {{fresh}}", agents: ["mock/mock-1", "mock/mock-2"] }] },
  "arena.get": { type: "query", inputs: [{ id: "{{arena}}" }] },
  "arena.list": { type: "query", inputs: [{ sessionId: "{{anySession}}" }] },
  "arena.markWinner": { type: "mutation", inputs: [{ arenaId: "{{arena}}", chatId: "{{chat}}" }] },
  "arena.merge": { type: "mutation", inputs: [{ arenaId: "{{arena}}" }] },
  "arena.cleanup": { type: "mutation", inputs: [{ arenaId: "{{arena}}" }] },
  "review.comments": { type: "query", inputs: [{ sessionId: "{{session}}" }] },
  "review.addComment": { type: "mutation", inputs: [{ sessionId: "{{session}}", path: "README.md", line: 1, side: "new", body: "look {{fresh}}" }] },
  "review.removeComment": { type: "mutation", inputs: [{ id: "{{comment}}" }] },
  "review.send": { type: "mutation", inputs: [{ sessionId: "{{session}}", chatId: "{{chat}}" }] },
  "sessionEvents.onChange": { type: "subscription", inputs: [undefined] },
};

const HOSTILE_STRINGS = [
  "",
  " ",
  "does-not-exist",
  "{{sentinel}}",
  "{{sentinel}}/secret.txt",
  "{{wtPath}}/../../sentinel",
  "{{wtPath}}/..",
  "../../etc/passwd",
  "/etc/passwd",
  "-rf",
  "--force",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\u0430dmin",
  "\u202eevil",
  "%00",
  "' OR 1=1 --",
  "\"; DROP TABLE sessions; --",
  "%' OR title LIKE '%",
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "__proto__",
  "constructor",
  "x".repeat(101),
  "x".repeat(250_000),
  "😀".repeat(300),
  "{{session}}\n",
  " {{session}} ",
  "{{session}}/..",
];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-1), fc.constant(0), fc.constant(1e308), fc.constant(2 ** 53)) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom("{{session}}", "x", "\ud800"), { maxLength: 300 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 1000 }, (_, i) => `id${i}`)) },
  { weight: 1, arbitrary: fc.constant(deepArray(3_000)) },
);

function deepArray(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

/** A template with one field bent: replaced by a hostile value, dropped, or joined by a stray one. */
function bent(input: unknown): fc.Arbitrary<unknown> {
  if (input === undefined || input === null || typeof input !== "object" || Array.isArray(input)) {
    return fc.oneof(fc.constant(input), hostileValue, fc.dictionary(fc.constantFrom("id", "x", "__proto__"), hostileValue, { maxKeys: 2 }));
  }
  const keys = Object.keys(input);
  if (keys.length === 0) return fc.oneof(fc.dictionary(fc.constantFrom("id", "limit", "cursor", "query", "__proto__"), hostileValue, { maxKeys: 2 }), hostileValue);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({ ...(input as object), [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
      delete copy[key];
      return copy;
    }),
    fc.tuple(fc.constantFrom("force", "id", "sessionId", "path", "__proto__", "constructor", "extra"), hostileValue).map(([key, value]) => ({ ...(input as object), [key]: value })),
    hostileValue,
  );
}

const PROCEDURES = Object.keys(TEMPLATES);

const trpcCall: fc.Arbitrary<ApiCall> = fc.constantFrom(...PROCEDURES).chain((procedure) => {
  const template = TEMPLATES[procedure] as { type: ProcedureKind; inputs: unknown[] };
  const valid = fc.constantFrom(...template.inputs);
  return fc
    .oneof({ weight: 3, arbitrary: valid }, { weight: 5, arbitrary: valid.chain(bent) })
    .map((input): ApiCall => ({ kind: "trpc", procedure, type: template.type, input }));
});

/** superjson envelopes a client would never send: meta that names odd types and odd paths. */
const RAW_SUPERJSON = [
  '{"json":{"id":"x"},"meta":{"values":{"id":["bigint"]}}}',
  '{"json":{"id":"x"},"meta":{"values":{"id":["class","Nope"]}}}',
  '{"json":{"id":"x"},"meta":{"values":{"id":["custom","Nope"]}}}',
  '{"json":{"id":"x"},"meta":{"values":{"__proto__.polluted":["Date"]}}}',
  '{"json":{"id":"x"},"meta":{"values":{"constructor.prototype.polluted":["undefined"]}}}',
  '{"json":{"id":"x"},"meta":{"referentialEqualities":{"id":["__proto__"]}}}',
  '{"json":{"id":"x"},"meta":{"values":["Date"]}}',
  '{"json":{"ids":["a"]},"meta":{"values":{"ids":["set"]}}}',
  '{"json":{"ids":"a"},"meta":{"values":{"ids":["map"]}}}',
  '{"json":{"id":"1e999"},"meta":{"values":{"id":["number"]}}}',
  '{"json":{"id":"x"},"meta":{"values":{"id":["regexp"]}}}',
  '{"json":{"id":"/(a+)+$/"},"meta":{"values":{"id":["regexp"]}}}',
  '{"json":{"id":"x"},"meta":{"values":{"id":[["Date"]]},"v":99}}',
  '{"json":null}',
  '{"json":',
  "",
  "[]",
  '{"0":{"json":{"id":"x"}}}',
  `{"json":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
  `{"json":{"title":"${"x".repeat(3_000_000)}"}}`,
];

const trpcRaw: fc.Arbitrary<ApiCall> = fc.oneof(
  fc.tuple(fc.constantFrom(...PROCEDURES), fc.constantFrom(...RAW_SUPERJSON), fc.constantFrom("application/json", "text/plain")).map(([procedure, body, contentType]): ApiCall => ({ kind: "trpc-raw", method: "POST", path: `/api/trpc/${procedure}`, body, contentType })),
  fc.tuple(fc.constantFrom(...PROCEDURES), fc.constantFrom(...RAW_SUPERJSON)).map(([procedure, body]): ApiCall => ({ kind: "trpc-raw", method: "GET", path: `/api/trpc/${procedure}?input=${encodeURIComponent(body)}` })),
  fc.constantFrom("/api/trpc/", "/api/trpc/nope", "/api/trpc/session", "/api/trpc/session.list.x", "/api/trpc/__proto__.toString", "/api/trpc/constructor", "/api/trpc/session.get?batch=1&input=x", "/api/trpc/session.get,session.get?batch=1&input=%7B%7D", "/api/trpc/session.list?input=%ZZ").map((route): ApiCall => ({ kind: "trpc-raw", method: "GET", path: route })),
  fc.tuple(fc.constantFrom(...PROCEDURES), fc.constantFrom("PUT", "DELETE", "PATCH")).map(([procedure, method]): ApiCall => ({ kind: "trpc-raw", method, path: `/api/trpc/${procedure}`, body: '{"json":{}}' })),
);

const trpcBatch: fc.Arbitrary<ApiCall> = fc.oneof(
  fc.array(fc.constantFrom(...PROCEDURES.filter((p) => TEMPLATES[p]?.type === "query")), { minLength: 2, maxLength: 6 }).chain((procedures) =>
    fc.tuple(...procedures.map((p) => fc.constantFrom(...(TEMPLATES[p]?.inputs ?? [undefined])).chain(bent))).map((inputs): ApiCall => ({ kind: "trpc-batch", procedures, type: "query", inputs })),
  ),
  fc.constant<ApiCall>({ kind: "trpc-batch", procedures: Array.from({ length: 51 }, () => "session.list"), type: "query", inputs: Array.from({ length: 51 }, () => undefined) }),
);

const mcpArgs: Record<string, unknown[]> = {
  list_sessions: [{}],
  new_task: [{ prompt: "mcp drill {{fresh}}" }, { prompt: "mcp drill {{fresh}}", sessionId: "{{anySession}}" }, { prompt: "follow up {{fresh}}", fromTaskId: "{{task}}" }],
  get_task: [{ taskId: "{{task}}" }],
  list_tasks: [{}, { sessionId: "{{anySession}}" }, { chatId: "{{chat}}" }],
};

const mcpTool: fc.Arbitrary<ApiCall> = fc.oneof(
  fc.constantFrom(...Object.keys(mcpArgs)).chain((tool) =>
    fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...(mcpArgs[tool] ?? [{}])) }, { weight: 3, arbitrary: fc.constantFrom(...(mcpArgs[tool] ?? [{}])).chain(bent) }).map((args): ApiCall => ({ kind: "mcp-tool", tool, args })),
  ),
  fc.tuple(fc.constantFrom("nope", "", "list_sessions ", "__proto__", "x".repeat(5000)), hostileValue).map(([tool, args]): ApiCall => ({ kind: "mcp-tool", tool, args })),
);

const MCP_RAW = [
  "",
  "{",
  "[]",
  "null",
  '{"jsonrpc":"2.0"}',
  '{"jsonrpc":"2.0","id":1}',
  '{"jsonrpc":"2.0","id":1,"method":"nope"}',
  '{"jsonrpc":"1.0","id":1,"method":"tools/list"}',
  '{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_task","arguments":"taskId"}}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_task","arguments":{"taskId":"\\ud800"}}}',
  '[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]',
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}',
  '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
];

const mcpRaw: fc.Arbitrary<ApiCall> = fc
  .tuple(fc.constantFrom(...MCP_RAW), fc.constantFrom<"valid" | "none" | "wrong">("valid", "valid", "none", "wrong"), fc.constantFrom("POST", "POST", "POST", "GET", "DELETE", "PUT"))
  .map(([body, session, method]): ApiCall => ({ kind: "mcp-raw", body, session, method }));

export const apiCall: fc.Arbitrary<ApiCall> = fc.oneof(
  { weight: 14, arbitrary: trpcCall },
  { weight: 2, arbitrary: trpcRaw },
  { weight: 1, arbitrary: trpcBatch },
  { weight: 4, arbitrary: mcpTool },
  { weight: 1, arbitrary: mcpRaw },
);

/** tRPC procedures that may change a worktree or the repository when they succeed. */
export const WORKTREE_CHANGING: ReadonlySet<string> = new Set([
  "session.create",
  "session.delete",
  "session.stashAndDelete",
  "session.cleanup",
  "worktree.remove",
  "worktree.stash",
  "worktree.commit",
  "worktree.push",
  "worktree.fetch",
  "arena.create",
  "arena.merge",
  "arena.cleanup",
]);
