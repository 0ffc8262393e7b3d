import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { brief, leakIn } from "./lib/answers";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";
import { MUTATING, sidecarRequest, type GeneratedRequest } from "./lib/sidecar-requests";
import { changedPaths, snapshotGitDir, snapshotTree, type TreeSnapshot } from "./lib/tree-snapshot";

/**
 * The sidecar fuzz drill: `count` generated requests (drills/lib/sidecar-requests.ts) against the
 * real sidecar over HTTP, one at a time, each judged on its own:
 * - no 5xx (origins are local, so not even push's 502 remote-*), nothing that hangs past a minute;
 * - no stack trace, no token, nothing of the sentinel tree's content in any answer;
 * - nothing outside the worktree root touched (a sentinel tree beside it, compared before and after);
 * - every worktree and the repository's refs, stash and indexes unchanged, unless the request was a
 *   valid one that succeeded (a 200 from create, stash, commit, remove, push, fetch or merge), and then
 *   only the worktree it named;
 * - the sidecar still alive and answering at the end.
 * Between requests the drill plays the agent: it leaves new work in some worktrees, and keeps a few
 * worktrees in existence, so valid requests keep finding something to do.
 */
export async function sidecarFuzzDrill(options: { count: number; seed: number; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const fixture = await createRepoFixture();
  let sidecar: SidecarProcess | null = null;
  const statuses = new Map<string, number>();
  try {
    const world = await buildWorld(fixture);
    sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
    const running = sidecar;
    const secrets = { "sidecar token": running.token, "sentinel file's content": world.marker };
    for (let i = 0; i < 4; i += 1) await world.createWorktree(running);
    await world.leaveWork(seededRandom(options.seed));
    const sentinelBefore = world.sentinelSnapshot();

    const requests = fc.sample(sidecarRequest, { seed: options.seed, numRuns: options.count });
    const random = seededRandom(options.seed + 1);
    for (const [index, generated] of requests.entries()) {
      if (index > 0 && index % 20 === 0) {
        await world.leaveWork(random);
        if (world.worktrees().length < 3) await world.createWorktree(running);
      }
      const request = world.fill(generated, random);
      const before = world.stateSnapshot();
      const answer = await send(running, request);
      const after = world.stateSnapshot();
      const key = `${generated.endpoint} ${answer.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const what = `#${index} ${request.method} ${request.path} ${brief(request.rawBody ?? request.body, 200)} → ${answer.status}`;
      if (answer.status >= 500 || answer.status === 0) problems.add(`${what}: ${brief(answer.text)}`);
      const leak = leakIn(answer.text, secrets);
      if (leak && !(answer.status === 200 && leak.startsWith("a stack frame"))) problems.add(`${what}: ${leak}: ${brief(answer.text)}`);
      const allowed = answer.status === 200 && MUTATING.has(generated.endpoint) ? world.allowedChanges(generated.endpoint, request, before) : null;
      for (const change of world.changes(before, after)) {
        if (allowed === null || !allowed(change)) problems.add(`${what}: changed ${change} although ${answer.status === 200 ? "it named something else" : "it was refused"}`);
      }
      if (index % 50 === 49) {
        for (const file of changedPaths(sentinelBefore, world.sentinelSnapshot())) problems.add(`${what}: touched ${file} outside the worktree root`);
      }
    }

    for (const file of changedPaths(sentinelBefore, world.sentinelSnapshot())) problems.add(`touched ${file} outside the worktree root`);
    const health = await running.request("GET", "/healthz");
    if (health.status !== 200) problems.add(`/healthz answers ${health.status} after the run`);
    const alive = world.worktrees()[0];
    if (alive) {
      const risk = await running.request("POST", "/v1/worktrees/risk", { paths: [alive] });
      if (risk.status !== 200) problems.add(`a valid risk request answers ${risk.status} after the run: ${brief(risk.body)}`);
    }
    const exited = await Promise.race([running.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50))]);
    if (exited) problems.add(`the sidecar exited during the run: ${running.output().slice(-500)}`);
    if (/unexpected error/.test(running.output())) problems.add(`the sidecar logged an unexpected error: ${brief(running.output().split("unexpected error")[1] ?? "", 400)}`);
  } finally {
    await sidecar?.stop();
    await fixture.cleanup();
  }
  const byStatus = [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b));
  options.log?.(byStatus.map(([key, n]) => `${key}: ${n}`).join(", "));
  const successes = byStatus.filter(([key]) => key.endsWith(" 200")).reduce((sum, [, n]) => sum + n, 0);
  return { drill: "sidecar fuzz", requests: options.count, faults: 0, problems: problems.list(), notes: `${successes} answered 200, ${new Set(byStatus.map(([k]) => k.split(" ")[0])).size} endpoints`, ms: Date.now() - started };
}

type Answer = { status: number; text: string };

async function send(sidecar: SidecarProcess, request: GeneratedRequest): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (request.token === "valid") headers.authorization = `Bearer ${sidecar.token}`;
  if (request.token === "wrong") headers.authorization = `Bearer ${sidecar.token.slice(0, -1)}x`;
  const hasBody = !["GET", "HEAD"].includes(request.method) && (request.rawBody !== undefined || request.body !== undefined);
  if (hasBody) headers["content-type"] = request.contentType ?? "application/json";
  try {
    const response = await fetch(`${sidecar.url}${request.path}`, {
      method: request.method,
      headers,
      body: hasBody ? (request.rawBody ?? JSON.stringify(request.body)) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: `no answer: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The repository, the root with its odd entries, and the sentinel tree outside the root. */
async function buildWorld(fixture: RepoFixture) {
  const root = fixture.worktreeRoot;
  const sentinel = path.join(fixture.base, "sentinel");
  const marker = `SENTINEL-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  fs.mkdirSync(path.join(sentinel, "plain"), { recursive: true });
  fs.writeFileSync(path.join(sentinel, "secret.txt"), `${marker}\n`);
  fs.writeFileSync(path.join(sentinel, "plain", "notes.md"), `${marker} notes\n`);
  // A worktree of the same repository outside the root, holding work: the sidecar must not act on it.
  const outsideWt = path.join(sentinel, "outside-wt");
  await fixture.git(fixture.clone, ["worktree", "add", "-q", "--no-track", "-b", "outside", "--", outsideWt, `origin/${fixture.defaultBranch}`]);
  fs.writeFileSync(path.join(outsideWt, "wip.txt"), `${marker} wip\n`);
  fs.writeFileSync(path.join(fixture.clone, "user-wip.txt"), "the user's own uncommitted work\n");
  fs.symlinkSync(sentinel, path.join(root, "link-out"));
  fs.symlinkSync(fixture.clone, path.join(root, "link-clone"));
  fs.symlinkSync(path.join(root, "loop"), path.join(root, "loop"));
  fs.mkdirSync(path.join(root, "not-a-worktree"));
  fs.writeFileSync(path.join(root, "not-a-worktree", "file.txt"), "not a worktree\n");
  const gitDir = path.join(fixture.clone, ".git");
  let fresh = 0;
  let workCounter = 0;

  const worktrees = (): string[] =>
    fs
      .readdirSync(root)
      .filter((name) => !["link-out", "link-clone", "loop", "not-a-worktree", "link-wt"].includes(name))
      .map((name) => path.join(root, name))
      .filter((dir) => fs.existsSync(path.join(dir, ".git")))
      .sort();

  const sessionIdOf = (dir: string) => path.basename(dir).replace(/^clone-/, "");

  const branches = (): string[] => {
    const heads = path.join(gitDir, "refs", "heads");
    const found: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const name of fs.readdirSync(dir)) {
        const full = path.join(dir, name);
        if (fs.statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
        else found.push(`${prefix}${name}`);
      }
    };
    walk(heads, "");
    return found.sort();
  };

  return {
    marker,
    worktrees,
    async createWorktree(sidecar: SidecarProcess) {
      fresh += 1;
      const answer = await sidecar.request("POST", "/v1/worktrees", { sessionId: `seed${fresh}`, repoPath: fixture.clone });
      if (answer.status !== 200) throw new Error(`could not create a worktree: ${brief(answer.body)}`);
      // link-wt: a symbolic link inside the root to a real worktree (it resolves inside, so it is that worktree).
      const first = worktrees()[0];
      const link = path.join(root, "link-wt");
      if (first && !fs.existsSync(link)) fs.symlinkSync(first, link);
    },
    /** The agent at work: new files in some worktrees, an edit in others. */
    async leaveWork(random: () => number) {
      for (const dir of worktrees()) {
        const roll = random();
        workCounter += 1;
        if (roll < 0.4) fs.writeFileSync(path.join(dir, `work-${workCounter}.txt`), `work ${workCounter}\n`);
        else if (roll < 0.55) fs.appendFileSync(path.join(dir, "README.md"), `edit ${workCounter}\n`);
      }
    },
    fill(request: GeneratedRequest, random: () => number): GeneratedRequest {
      const all = worktrees();
      const pick = <T>(items: T[], fallback: T) => (items.length === 0 ? fallback : (items[Math.floor(random() * items.length)] ?? fallback));
      const replace = (text: string) =>
        text
          .replace(/\{\{wt:(\d+)\}\}/g, (_, n: string) => all[Number(n) % Math.max(all.length, 1)] ?? path.join(root, "missing"))
          .replace(/\{\{wt\}\}/g, () => pick(all, path.join(root, "missing")))
          .replace(/\{\{root\}\}/g, root)
          .replace(/\{\{clone\}\}/g, fixture.clone)
          .replace(/\{\{origin\}\}/g, fixture.origin)
          .replace(/\{\{sentinel\}\}/g, sentinel)
          .replace(/\{\{fresh\}\}/g, () => `f${(fresh += 1)}`)
          .replace(/\{\{sid\}\}/g, () => sessionIdOf(pick(all, "nosession")))
          .replace(/\{\{branch\}\}/g, () => pick(branches(), fixture.defaultBranch));
      const deep = (value: unknown): unknown => {
        if (typeof value === "string") return replace(value);
        if (Array.isArray(value)) return value.map(deep);
        if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]));
        return value;
      };
      return { ...request, body: deep(request.body), rawBody: request.rawBody === undefined ? undefined : replace(request.rawBody) };
    },
    /** Everything a request may change: each worktree's files (under its folder's name) and the repository's git dir. */
    stateSnapshot(): TreeSnapshot {
      const snapshot: TreeSnapshot = new Map();
      for (const dir of worktrees()) for (const [file, value] of snapshotTree(dir)) snapshot.set(path.join("root", path.basename(dir), file), value);
      for (const [file, value] of snapshotGitDir(gitDir)) snapshot.set(path.join("git", file), value);
      for (const [file, value] of snapshotTree(fixture.origin, (relative) => relative.startsWith("objects"))) snapshot.set(path.join("origin", file), value);
      return snapshot;
    },
    changes: (before: TreeSnapshot, after: TreeSnapshot) => changedPaths(before, after),
    /** What a successful request of this endpoint may change: the worktree it named, and the repository's refs. */
    allowedChanges(endpoint: string, request: GeneratedRequest, before: TreeSnapshot): (change: string) => boolean {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const named = typeof body.path === "string" ? worktreeFolderOf(root, body.path) : null;
      const existed = new Set([...before.keys()].filter((key) => key.startsWith(`root${path.sep}`)).map((key) => key.split(path.sep)[1]));
      return (change: string) => {
        const [area, folder] = change.split(path.sep);
        if (area === "git") return true;
        // origin is a repository too: a worktree made from it keeps its admin folder and stash there.
        if (area === "origin") return true;
        if (area !== "root") return false;
        // A create makes a new folder; the same session again hands the existing one back untouched.
        if (endpoint === "create") return !existed.has(folder);
        return folder !== undefined && folder === named;
      };
    },
    sentinelSnapshot(): TreeSnapshot {
      const snapshot: TreeSnapshot = new Map();
      for (const [file, value] of snapshotTree(sentinel, (relative) => relative === path.join("outside-wt", ".git"))) snapshot.set(path.join("sentinel", file), value);
      for (const [file, value] of snapshotTree(fixture.clone, (relative) => relative === ".git")) snapshot.set(path.join("clone", file), value);
      for (const [file, value] of snapshotTree(fixture.home)) snapshot.set(path.join("home", file), value);
      // The outside worktree's admin folder: its HEAD and index say whether anything acted on it.
      for (const [file, value] of snapshotTree(path.join(gitDir, "worktrees", "outside-wt"))) snapshot.set(path.join("outside-admin", file), value);
      return snapshot;
    },
  };
}

/** The folder directly under the root that a path names once symbolic links are resolved, or null. */
function worktreeFolderOf(root: string, input: string): string | null {
  let current = path.resolve(input);
  const rest: string[] = [];
  for (;;) {
    try {
      const real = path.join(fs.realpathSync(current), ...rest.reverse());
      const relative = path.relative(root, real);
      if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return null;
      return relative.split(path.sep)[0] ?? null;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return null;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}
