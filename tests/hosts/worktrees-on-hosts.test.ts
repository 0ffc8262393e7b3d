import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../server/errors";
import { createHostRouter } from "../../server/hosts/host-router";
import type { HostConfig } from "../../server/hosts/hosts-config";
import { makeTempDir } from "../helpers/git-repos";
import { exists, makeUserRepo } from "../helpers/git-workdir";
import { startHostService, type HostServiceProcess } from "../helpers/host-process";
import { createTestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

/**
 * Two host services on one machine (separate worktree roots, data folders, ports and tokens) behind
 * one API: worktrees are placed and worked on where their row says, and the delete gate is
 * fail-closed per host (issue 20).
 */
let testDb: Awaited<ReturnType<typeof createTestDb>>;
let repo: Awaited<ReturnType<typeof makeUserRepo>>;
let scratch: string;
const hosts: Record<"A" | "B", HostServiceProcess | null> = { A: null, B: null };
let configs: HostConfig[];
let api: ReturnType<typeof callerFor>;

function startHost(name: "A" | "B", port?: number) {
  return startHostService({ name, worktreeRoot: path.join(scratch, `${name}-worktrees`), dataDir: path.join(scratch, `${name}-data`), token: `token-of-host-${name}-0123456789`, ...(port ? { port } : {}) });
}

function host(name: "A" | "B"): HostServiceProcess {
  const running = hosts[name];
  if (!running) throw new Error(`host ${name} is not running`);
  return running;
}

beforeAll(async () => {
  testDb = await createTestDb();
  repo = await makeUserRepo();
  scratch = await makeTempDir("boochat-two-hosts-");
  [hosts.A, hosts.B] = await Promise.all([startHost("A"), startHost("B")]);
  configs = (["A", "B"] as const).map((name) => ({ name, url: host(name).url, token: host(name).token, kind: "host-service" }));
  api = callerFor(testDb.db, { sidecar: createHostRouter({ db: testDb.db, hosts: configs }), riskTimeoutMs: 5_000 });
}, 60_000);

afterAll(async () => {
  await Promise.all([hosts.A?.stop(), hosts.B?.stop()]);
  await testDb?.cleanup();
  await repo?.cleanup();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

async function sessionOn(name: "A" | "B", title: string) {
  const session = await api.session.create({ title, repoPath: repo.repo, host: name });
  if (!session.worktree) throw new Error("no worktree was created");
  return { id: session.id, path: session.worktree.path };
}

async function conflictReports(promise: Promise<unknown>) {
  const error = await trpcError(promise);
  expect(error.code).toBe("CONFLICT");
  const cause = error.cause;
  if (!(cause instanceof AppError) || !cause.data.riskReports) throw new Error(`the 409 carries no risk reports: ${error.message}`);
  return { message: error.message, reports: cause.data.riskReports };
}

describe("worktrees on two hosts", () => {
  it("places a session's worktree on the named host, under that host's root, and says so", async () => {
    const onA = await sessionOn("A", "on A");
    const onB = await sessionOn("B", "on B");
    expect(onA.path.startsWith(host("A").worktreeRoot)).toBe(true);
    expect(onB.path.startsWith(host("B").worktreeRoot)).toBe(true);
    expect((await api.session.get({ id: onB.id })).host).toBe("B");
    expect(await testDb.db.worktree.findUnique({ where: { path: onB.path }, select: { host: true } })).toEqual({ host: "B" });
    // Work done in B's worktree is judged by B: a dirty file blocks its delete, with B's report.
    await fs.writeFile(path.join(onB.path, "notes.txt"), "unsaved\n");
    const blocked = await conflictReports(api.session.delete({ id: onB.id }));
    expect(blocked.reports).toMatchObject([{ path: onB.path, status: "at-risk", reasons: ["dirty"] }]);
    await fs.rm(path.join(onB.path, "notes.txt"));
    await expect(api.session.delete({ id: onB.id })).resolves.toMatchObject({ deleted: true, worktree: { outcome: "removed" } });
    await expect(api.session.delete({ id: onA.id })).resolves.toMatchObject({ deleted: true, worktree: { outcome: "removed" } });
    expect(await exists(onA.path)).toBe(false);
    expect(await exists(onB.path)).toBe(false);
  });

  it("without a host named, asks each host and picks the one with fewer running tasks", async () => {
    // A is busy: a running task in a session of A's.
    const busy = await sessionOn("A", "busy on A");
    await testDb.db.task.create({ data: { sessionId: busy.id, agent: "opencode", creator: "generic", prompt: "x", status: "running" } });
    const placed = await api.session.create({ title: "anywhere", repoPath: repo.repo });
    expect(placed.host).toBe("B");
    expect(placed.worktree?.path.startsWith(host("B").worktreeRoot)).toBe(true);
    await testDb.db.task.deleteMany({ where: { sessionId: busy.id } });
    await api.session.delete({ id: busy.id });
    await api.session.delete({ id: placed.id });
  });

  it("refuses a repository that is on no host, and an unknown host, naming them, and keeps nothing", async () => {
    const before = await testDb.db.session.count();
    const missing = await trpcError(api.session.create({ title: "nowhere", repoPath: path.join(scratch, "no-such-repo") }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect(missing.message).toMatch(/^repoPath: .*no-such-repo is not a git repository on any host \(A: .+; B: .+\)$/);
    const unknown = await trpcError(api.session.create({ title: "where?", repoPath: repo.repo, host: "C" }));
    expect(unknown.message).toBe('host: there is no host named "C": configured are A, B');
    const noRepo = await trpcError(api.session.create({ title: "chat", host: "B" }));
    expect(noRepo.message).toMatch(/^host: a session is placed on a host with its repository: give repoPath too/);
    expect(await testDb.db.session.count()).toBe(before);
  });

  it("with host B stopped: B's worktree is unverified naming B and untouched, A's goes when clean, Force escapes", async () => {
    const onA = await sessionOn("A", "A while B is down");
    const onB = await sessionOn("B", "B while B is down");
    const bPort = Number(new URL(host("B").url).port);
    await host("B").stop();
    hosts.B = null;

    const badges = await api.worktree.riskBadges({ sessionIds: [onA.id, onB.id] });
    const badgeOf = (id: string) => badges.find((b) => b.sessionId === id);
    expect(badgeOf(onA.id)?.status).toBe("clean");
    expect(badgeOf(onB.id)?.status).toBe("unverified");
    expect(badgeOf(onB.id)?.label).toMatch(/host "B" \(http:\/\/127\.0\.0\.1:\d+\) cannot be reached/);

    const refused = await conflictReports(api.session.delete({ id: onB.id }));
    expect(refused.reports).toMatchObject([{ path: onB.path, status: "unverified" }]);
    expect(refused.message).toMatch(/host "B"/);
    expect(await exists(onB.path)).toBe(true);
    expect(await testDb.db.session.findUnique({ where: { id: onB.id } })).not.toBeNull();

    await expect(api.session.delete({ id: onA.id })).resolves.toMatchObject({ deleted: true, worktree: { outcome: "removed" } });
    expect(await exists(onA.path)).toBe(false);

    const listed = await api.host.list();
    expect(listed.map((h) => [h.name, h.reachable])).toEqual([["A", true], ["B", false]]);
    expect(listed.find((h) => h.name === "B")).toMatchObject({ worktrees: 1, error: expect.stringMatching(/host "B"/) });

    // Force skips the check: the session goes, B's worktree stays on disk and on record.
    await expect(api.session.delete({ id: onB.id, force: true })).resolves.toMatchObject({ deleted: true, worktree: { path: onB.path, outcome: "kept-as-orphan" } });
    expect(await exists(onB.path)).toBe(true);
    expect(await testDb.db.worktree.findUnique({ where: { path: onB.path }, select: { host: true, removedAt: true } })).toEqual({ host: "B", removedAt: null });

    // B back on its port: its orphan is judged by B again.
    hosts.B = await startHost("B", bPort);
    const orphan = (await api.worktree.orphans()).find((o) => o.path === onB.path);
    if (!orphan) throw new Error("B's worktree is not listed as an orphan");
    expect(await api.worktree.inspect({ id: orphan.id })).toMatchObject({ report: { path: onB.path, status: "clean" } });
  });
});
