import fc from "fast-check";

/**
 * Generated requests for every sidecar endpoint (docs/SIDECAR.md): valid-looking and hostile JSON,
 * wrong types, huge and deep values, paths with `..`, symbolic links, NUL, look-alike characters,
 * leading `-`, other worktrees' paths and paths outside the root, wrong methods, tokens and bodies.
 *
 * Generation is pure (fast-check with a seed), so a run repeats; paths that depend on what exists at
 * the time are placeholders the drill fills in when it sends the request:
 *   {{wt}} a worktree under the root (picked by {{wt:<n>}}), {{root}}, {{clone}} (the user's
 *   repository), {{origin}} (its bare origin), {{sentinel}} (a tree outside the root nothing may
 *   touch), {{fresh}} a new session id, {{sid}} an existing one, {{branch}} a branch of the repository.
 */

export type GeneratedRequest = {
  endpoint: string;
  method: string;
  path: string;
  /** JSON to send (placeholders inside strings), unless `rawBody` is given */
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  /** "valid": the sidecar's token; "none": no header; anything else is sent as the wrong token */
  token: "valid" | "none" | "wrong";
};

export const ENDPOINTS = [
  { path: "/v1/worktrees", name: "create" },
  { path: "/v1/worktrees/risk", name: "risk" },
  { path: "/v1/worktrees/stash", name: "stash" },
  { path: "/v1/worktrees/commit", name: "commit" },
  { path: "/v1/worktrees/remove", name: "remove" },
  { path: "/v1/worktrees/repository", name: "repository" },
  { path: "/v1/worktrees/origin", name: "origin" },
  { path: "/v1/worktrees/diff", name: "diff" },
  { path: "/v1/worktrees/push", name: "push" },
  { path: "/v1/repos/fetch", name: "fetch" },
  { path: "/v1/worktrees/merge", name: "merge" },
] as const;

export type EndpointName = (typeof ENDPOINTS)[number]["name"] | "healthz" | "unknown";

/** Requests that may change a worktree or the repository when (and only when) they succeed. */
export const MUTATING: ReadonlySet<string> = new Set(["create", "stash", "commit", "remove", "push", "fetch", "merge"]);

const HOSTILE_PATHS = [
  "{{root}}/../sentinel",
  "{{root}}/../sentinel/secret.txt",
  "{{wt}}/../../sentinel",
  "{{wt}}/..",
  "{{wt}}/../..",
  "{{wt}}/./",
  "{{wt}}//",
  "{{wt}}/.git",
  "{{wt}}/.git/..",
  "{{wt}}/README.md",
  "{{root}}",
  "{{root}}/",
  "{{root}}/.",
  "{{root}}/link-out",
  "{{root}}/link-out/secret.txt",
  "{{root}}/link-clone",
  "{{root}}/link-wt",
  "{{root}}/loop",
  "{{root}}/loop/x",
  "{{root}}/not-a-worktree",
  "{{root}}/missing",
  "{{root}}/-rf",
  "{{root}}/--force",
  "{{sentinel}}",
  "{{sentinel}}/outside-wt",
  "{{sentinel}}/plain",
  "{{clone}}",
  "{{clone}}/.git",
  "{{origin}}",
  "/",
  "/etc",
  "/etc/passwd",
  "/tmp",
  "/proc/self/cwd",
  "/dev/null",
  "-rf",
  "--force",
  "--upload-pack=touch /tmp/pwned",
  "relative/path",
  "./x",
  "..",
  "~",
  "~/",
  "~root/x",
  "",
  " ",
  "{{wt}}\u0000",
  "{{wt}}\u0000/../../sentinel",
  "{{wt}}\n",
  "{{wt}}\u2010",
  "{{wt}}\u00a0",
  "{{wt}}\u200b",
  "{{wt}}\u0301",
  "{{root}}\uff0f..\uff0fsentinel",
  "{{root}}\u2215..\u2215sentinel",
  "{{root}}/\u2024\u2024/sentinel",
  "{{root}}/\ud800",
  "{{wt}}\udfff",
  `{{root}}/${"a".repeat(300)}`,
  `{{root}}/${"a/".repeat(2100)}`,
  `/${"x".repeat(5000)}`,
];

/** A path field: mostly one that reaches something real, else hostile, else anything at all. */
export const pathValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }).map((n) => `{{wt:${n}}}`) },
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_PATHS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("{{root}}/", "{{wt}}/", "/", "{{sentinel}}/"), fc.string({ unit: "binary", maxLength: 40 })).map(([a, b]) => a + b) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("{{wt}}", "{{root}}"), fc.constantFrom("/..", "/../..", "/../../sentinel", "/link-out/..", "/./.", "/%2e%2e", "\\..\\..")).map(([a, b]) => a + b) },
  { weight: 2, arbitrary: wrongType() },
);

function wrongType(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    fc.constant("x".repeat(20_000)),
    fc.constant({ toString: "{{wt}}" }),
    fc.constant(["{{wt}}"]),
  );
}

const text: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("boochat: fuzz", "drill commit", "merge the winner") },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 2, arbitrary: fc.constantFrom("", " ", "-m", "--amend", "\u0000", "line\nline", "$(touch /tmp/pwned)", "`id`", "\ud800", "x".repeat(12_000)) },
  { weight: 1, arbitrary: wrongType() },
);

const sessionIdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant("{{fresh}}") },
  { weight: 2, arbitrary: fc.constant("{{sid}}") },
  { weight: 3, arbitrary: fc.constantFrom("..", ".", "../escape", "a/b", "-rf", "--force", "a\u0000b", "\u0430bc", "x".repeat(101), "", " a", "a b", "\ud800", "CON", ".git") },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/) },
  { weight: 1, arbitrary: wrongType() },
);

const repoPathValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("{{clone}}", "{{clone}}/", "{{origin}}") },
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_PATHS) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }).map((n) => `{{wt:${n}}}`) },
  { weight: 1, arbitrary: wrongType() },
);

const refName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant("{{branch}}") },
  { weight: 2, arbitrary: fc.constantFrom("main", "HEAD", "origin/main", "refs/heads/main") },
  { weight: 3, arbitrary: fc.constantFrom("-x", "--force", "../x", "a..b", "a b", "a\u0000b", "@{-1}", "main~1", "main^{tree}", ":/fix", "x".repeat(300), "\ud800", ".lock", "a.lock") },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: wrongType() },
);

const commitIdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{4,40}$/),
  fc.constantFrom("HEAD", "-x", "0000", "g123", "{{branch}}", "a".repeat(65)),
  wrongType(),
);

const relativePaths: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(fc.constantFrom("README.md", ".gitignore", "../README.md", "/etc/passwd", "a\u0000b", "-x", ":(glob)**", "*", "work.txt", "..", "\ud800"), { maxLength: 4 }),
  fc.constant(Array.from({ length: 300 }, (_, i) => `f${i}`)),
  fc.constant([]),
  wrongType(),
);

/** A body for one endpoint: its fields, each sometimes missing, plus sometimes a field nobody asked for. */
function bodyOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(fields, { requiredKeys: [] });
  const extra = fc.dictionary(fc.constantFrom("__proto__", "constructor", "prototype", "force", "path2", "x"), fc.oneof(fc.constant("{{wt}}"), fc.constant(true), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 2 });
  return fc.oneof(
    { weight: 8, arbitrary: record },
    { weight: 2, arbitrary: fc.tuple(record, extra).map(([body, more]) => ({ ...(body as object), ...(more as object) })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

const BODIES: Record<(typeof ENDPOINTS)[number]["name"], fc.Arbitrary<unknown>> = {
  create: bodyOf({ sessionId: sessionIdValue, repoPath: repoPathValue, branch: fc.oneof(refName, fc.constant("{{fresh}}")), base: refName }),
  risk: bodyOf({
    paths: fc.oneof(
      { weight: 6, arbitrary: fc.array(pathValue, { minLength: 0, maxLength: 5 }) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: 501 }, (_, i) => `{{wt:${i}}}`)) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: 300 }, () => "{{root}}/link-out")) },
      { weight: 1, arbitrary: pathValue },
    ),
  }),
  stash: bodyOf({ path: pathValue, message: text }),
  commit: bodyOf({ path: pathValue, message: text }),
  remove: bodyOf({ path: pathValue }),
  repository: bodyOf({ path: pathValue }),
  origin: bodyOf({ path: pathValue }),
  diff: bodyOf({
    path: pathValue,
    scope: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("base", "uncommitted") }, { weight: 1, arbitrary: fc.constantFrom("all", "", "BASE", "-x") }, { weight: 1, arbitrary: wrongType() }),
    commit: commitIdValue,
    against: commitIdValue,
    maxBytes: fc.oneof(fc.integer({ min: 1024, max: 1 << 20 }), fc.constantFrom(0, -1, 1.5, 1e300, Number.MAX_SAFE_INTEGER, "1024"), wrongType()),
    paths: relativePaths,
  }),
  push: bodyOf({ path: pathValue }),
  fetch: bodyOf({ repoPath: repoPathValue }),
  merge: bodyOf({ path: pathValue, branch: refName, message: text }),
};

const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

const RAW_BODIES = [
  "",
  " ",
  "{",
  "null",
  "[]",
  "42",
  '"{{wt}}"',
  '{"path": "{{wt}}",}',
  "\ufeff{}",
  '{"path": "\\ud800"}',
  '{"path": "{{wt}}", "path": "/etc"}',
  '{"__proto__": {"path": "{{wt}}"}}',
  deep(100_000),
  deepObject(50_000),
  `{"paths": [${Array.from({ length: 60_000 }, () => '"/"').join(",")}]}`,
  `{"message": "${"x".repeat(1024 * 1024 + 10)}"}`,
];

/** One request: mostly a body for a real endpoint; also raw bodies, wrong methods, routes and tokens. */
export const sidecarRequest: fc.Arbitrary<GeneratedRequest> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.constantFrom(...ENDPOINTS).chain((endpoint) =>
      BODIES[endpoint.name].map((body): GeneratedRequest => ({ endpoint: endpoint.name, method: "POST", path: endpoint.path, body, token: "valid" })),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...ENDPOINTS), fc.constantFrom(...RAW_BODIES), fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"))
      .map(([endpoint, rawBody, contentType]): GeneratedRequest => ({ endpoint: endpoint.name, method: "POST", path: endpoint.path, rawBody, contentType, token: "valid" })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ENDPOINTS), fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"))
      .map(([endpoint, method]): GeneratedRequest => ({ endpoint: endpoint.name, method, path: endpoint.path, token: "valid" })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ENDPOINTS), fc.constantFrom<GeneratedRequest["token"]>("none", "wrong"))
      .chain(([endpoint, token]) => BODIES[endpoint.name].map((body): GeneratedRequest => ({ endpoint: endpoint.name, method: "POST", path: endpoint.path, body, token }))),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("/", "/v1", "/v1/worktrees/", "/v1/worktrees/../worktrees/risk", "/V1/WORKTREES", "/healthz/..", "/v1/worktrees/risk?x=1", "/%2e%2e/etc/passwd", "//v1/worktrees", "/v1/worktrees/risk#x")
      .map((route): GeneratedRequest => ({ endpoint: "unknown", method: "POST", path: route, body: { paths: ["{{wt}}"] }, token: "valid" })),
  },
  { weight: 1, arbitrary: fc.constant<GeneratedRequest>({ endpoint: "healthz", method: "GET", path: "/healthz", token: "none" }) },
);
