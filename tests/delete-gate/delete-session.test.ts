import fs from "node:fs/promises";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../server/errors";
import type { RiskReport } from "../../server/schemas/risk-report";
import { createSidecarClient } from "../../server/sidecar-client";
import { startCountingProxy } from "../helpers/counting-proxy";
import { createRepoFixture } from "../helpers/git-repos";
import { exists, makeUserRepo } from "../helpers/git-workdir";
import { startSidecar } from "../helpers/sidecar-process";
import { createTestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

let testDb: Awaited<ReturnType<typeof createTestDb>>;
let repo: Awaited<ReturnType<typeof makeUserRepo>>;
let sidecar: Awaited<ReturnType<typeof startSidecar>>;
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  testDb = await createTestDb();
  repo = await makeUserRepo();
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
  proxy = await startCountingProxy(sidecar.url);
  caller = callerFor(testDb.db, { sidecar: createSidecarClient({ url: proxy.url, token: sidecar.token }), riskTimeoutMs: 10_000 });
});
afterAll(async () => {
  await proxy?.close();
  await sidecar?.stop();
  await testDb?.cleanup();
  await repo?.cleanup();
});
beforeEach(() => proxy.reset());

async function conflict(promise: Promise<unknown>): Promise<{ message: string; reports: RiskReport[] }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a 409, got ${String(error)}`);
  expect(error.code).toBe("CONFLICT");
  const cause = error.cause;
  if (!(cause instanceof AppError) || !cause.data.riskReports) throw new Error("the 409 carries no risk reports");
  return { message: error.message, reports: cause.data.riskReports };
}

async function sessionWithWorktree(title: string) {
  const session = await caller.session.create({ title, repoPath: repo.repo });
  if (!session.worktree) throw new Error("no worktree was created");
  return { id: session.id, path: session.worktree.path, branch: session.worktree.branch };
}

describe("the delete gate", () => {
  it("deletes a chat-only session at once, with zero sidecar requests", async () => {
    const session = await caller.session.create({ title: "chat only" });
    await caller.chat.create({ sessionId: session.id });
    expect(await caller.session.delete({ id: session.id })).toEqual({ deleted: true, worktree: null });
    expect(proxy.requests).toEqual([]);
    expect(await testDb.db.chat.count({ where: { sessionId: session.id } })).toBe(0);
    expect(await testDb.db.session.findUnique({ where: { id: session.id } })).toBeNull();
  });

  it("creates the worktree through the sidecar and shows branch and path on the session", async () => {
    const wt = await sessionWithWorktree("has a worktree");
    expect(wt.path.startsWith(await fs.realpath(repo.worktreeRoot))).toBe(true);
    expect(wt.branch).toMatch(/^boochat\//);
    expect(await exists(path.join(wt.path, "README.md"))).toBe(true);
    const got = await caller.session.get({ id: wt.id });
    expect(got.worktree).toMatchObject({ path: wt.path, branch: wt.branch });
    const row = await testDb.db.worktree.findFirst({ where: { sessionId: wt.id } });
    expect(row).toMatchObject({ path: wt.path, repoPath: repo.repo, removedAt: null });
  });

  it("removes a clean worktree: directory gone, branch kept, removed_at set, session deleted", async () => {
    const wt = await sessionWithWorktree("clean");
    const result = await caller.session.delete({ id: wt.id });
    expect(result).toEqual({ deleted: true, worktree: { path: wt.path, outcome: "removed" } });
    expect(await exists(wt.path)).toBe(false);
    expect(await repo.git(repo.repo, "branch", "--list", wt.branch ?? "")).toContain(wt.branch);
    const row = await testDb.db.worktree.findUnique({ where: { path: wt.path } });
    expect(row?.removedAt).toBeInstanceOf(Date);
    expect(row?.sessionId).toBeNull();
    expect(await testDb.db.session.findUnique({ where: { id: wt.id } })).toBeNull();
    expect(proxy.requests.filter((r) => r.includes("/v1/worktrees/remove"))).toHaveLength(1);
  });

  it("refuses to delete a session whose worktree has an untracked file, and deletes nothing", async () => {
    const wt = await sessionWithWorktree("untracked");
    await fs.mkdir(path.join(wt.path, "notes"));
    await fs.writeFile(path.join(wt.path, "notes", "idea.md"), "do not lose me\n");
    proxy.reset();
    const { message, reports } = await conflict(caller.session.delete({ id: wt.id }));
    expect(message).toContain("1 uncommitted change");
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ path: wt.path, status: "at-risk", branch: wt.branch });
    expect(reports[0]?.reasons).toContain("dirty");
    expect(reports[0]?.dirty.untracked).toBe(1);
    expect(reports[0]?.dirty.files.join(" ")).toContain("notes/idea.md");
    expect(await fs.readFile(path.join(wt.path, "notes", "idea.md"), "utf8")).toBe("do not lose me\n");
    expect(await testDb.db.session.findUnique({ where: { id: wt.id } })).not.toBeNull();
    // One request: the sidecar's remove re-checks and refuses, in the same call.
    expect(proxy.requests).toEqual(["POST /v1/worktrees/remove"]);
  });

  it("refuses to delete a session with an unpushed commit and names it", async () => {
    const wt = await sessionWithWorktree("unpushed");
    await fs.writeFile(path.join(wt.path, "feature.txt"), "work\n");
    await repo.git(wt.path, "add", "feature.txt");
    await repo.git(wt.path, "commit", "-q", "-m", "add the feature");
    const { reports } = await conflict(caller.session.delete({ id: wt.id }));
    expect(reports[0]?.status).toBe("at-risk");
    expect(reports[0]?.reasons).toContain("unpushed");
    expect(reports[0]?.unpushed.commits.map((c) => c.subject)).toEqual(["add the feature"]);
    expect(await exists(wt.path)).toBe(true);
  });

  it("refuses to delete a session whose pushed branch is not merged into the default branch", async () => {
    const wt = await sessionWithWorktree("unmerged");
    await fs.writeFile(path.join(wt.path, "pushed.txt"), "pushed but not merged\n");
    await repo.git(wt.path, "add", "pushed.txt");
    await repo.git(wt.path, "commit", "-q", "-m", "pushed work");
    await repo.git(wt.path, "push", "-q", "origin", `HEAD:refs/heads/${wt.branch}`);
    const { reports } = await conflict(caller.session.delete({ id: wt.id }));
    expect(reports[0]?.reasons).toEqual(["unmerged"]);
    expect(reports[0]?.unmerged.commits.map((c) => c.subject)).toEqual(["pushed work"]);
    expect(reports[0]?.defaultBranch).toBe("main");
  });

  it("force skips the check entirely: zero sidecar requests, the session goes, the worktree stays on disk as an orphan", async () => {
    const clean = await sessionWithWorktree("force clean");
    const dirty = await sessionWithWorktree("force dirty");
    await fs.writeFile(path.join(dirty.path, "draft.txt"), "v1\n");
    proxy.reset();
    expect(await caller.session.delete({ id: clean.id, force: true })).toEqual({ deleted: true, worktree: { path: clean.path, outcome: "kept-as-orphan" } });
    // A client that still sends the old consent field is not refused.
    expect(await caller.session.delete({ id: dirty.id, force: true, consent: ["stale"] })).toEqual({
      deleted: true,
      worktree: { path: dirty.path, outcome: "kept-as-orphan" },
    });
    expect(proxy.requests).toEqual([]);
    for (const wt of [clean, dirty]) {
      expect(await testDb.db.session.findUnique({ where: { id: wt.id } })).toBeNull();
      expect(await exists(path.join(wt.path, "README.md"))).toBe(true);
      expect(await testDb.db.worktree.findUnique({ where: { path: wt.path } })).toMatchObject({ sessionId: null, removedAt: null });
    }
    expect(await fs.readFile(path.join(dirty.path, "draft.txt"), "utf8")).toBe("v1\n");
    const orphans = (await caller.worktree.orphans()).map((o) => o.path);
    expect(orphans).toEqual(expect.arrayContaining([clean.path, dirty.path]));
  });

  it("refuses to delete a session with a running or queued task, from the database alone; Stop agents ends them and the delete goes on", async () => {
    const chatOnly = await caller.session.create({ title: "agents at work" });
    const wt = await sessionWithWorktree("agents in a worktree");
    const [chatOnlyTab] = await caller.chat.list({ sessionId: chatOnly.id });
    const [wtTab] = await caller.chat.list({ sessionId: wt.id });
    const running = await testDb.db.task.create({
      data: { chatId: chatOnlyTab?.id, sessionId: chatOnly.id, agent: "opencode", creator: "tab", prompt: "work", status: "running" },
    });
    const queued = await testDb.db.task.create({
      data: { chatId: wtTab?.id, sessionId: wt.id, agent: "aider", creator: "mcp", prompt: "more", status: "queued" },
    });
    proxy.reset();
    for (const [session, task, agent, tab] of [
      [chatOnly.id, running, "opencode", chatOnlyTab],
      [wt.id, queued, "aider", wtTab],
    ] as const) {
      const refused = await trpcError(caller.session.delete({ id: session }));
      expect(refused.code).toBe("CONFLICT");
      expect(refused.message).toBe(`Nothing was deleted: 1 agent is still running (${agent} in “Tab 1”). Stop them first, or force the delete.`);
      expect((refused.cause as AppError).data).toEqual({
        runningTasks: [{ taskId: task.id, chatId: tab?.id, chatTitle: "Tab 1", agent, sessionId: session }],
        riskReports: [],
      });
    }
    expect(proxy.requests).toEqual([]);

    expect((await caller.session.stopAgents({ id: wt.id })).stopped.map((t) => t.taskId)).toEqual([queued.id]);
    expect(await testDb.db.task.findUnique({ where: { id: queued.id } })).toMatchObject({ status: "cancelled", error: "Stopped from the delete dialog" });
    expect(await caller.session.delete({ id: wt.id })).toMatchObject({ deleted: true, worktree: { outcome: "removed" } });
    // Force stops them too: the task ends cancelled, never left running without its session.
    expect(await caller.session.delete({ id: chatOnly.id, force: true })).toEqual({ deleted: true, worktree: null });
    expect(await testDb.db.task.findUnique({ where: { id: running.id } })).toMatchObject({ status: "cancelled" });
  });

  it("removes an orphan only through the gate", async () => {
    const wt = await sessionWithWorktree("orphan");
    await fs.writeFile(path.join(wt.path, "keep.txt"), "keep\n");
    await conflict(caller.session.delete({ id: wt.id }));
    await caller.session.delete({ id: wt.id, force: true });
    const orphan = (await caller.worktree.orphans()).find((o) => o.path === wt.path);
    if (!orphan) throw new Error("the force-deleted worktree is not listed as an orphan");

    const inspected = await caller.worktree.inspect({ id: orphan.id });
    expect(inspected.report?.status).toBe("at-risk");
    const refused = await conflict(caller.worktree.remove({ id: orphan.id }));
    expect(refused.reports[0]?.dirty.files).toContain("keep.txt");
    expect(await exists(path.join(wt.path, "keep.txt"))).toBe(true);

    await fs.rm(path.join(wt.path, "keep.txt"));
    expect(await caller.worktree.remove({ id: orphan.id })).toEqual({ removed: true, path: wt.path });
    expect(await exists(wt.path)).toBe(false);
    expect((await caller.worktree.orphans()).map((o) => o.path)).not.toContain(wt.path);
  });

  it("reattaches an orphan to a new session", async () => {
    const wt = await sessionWithWorktree("to reattach");
    await fs.writeFile(path.join(wt.path, "wip.txt"), "wip\n");
    await conflict(caller.session.delete({ id: wt.id }));
    await caller.session.delete({ id: wt.id, force: true });
    const orphan = (await caller.worktree.orphans()).find((o) => o.path === wt.path);
    if (!orphan) throw new Error("no orphan");
    const session = await caller.worktree.reattach({ id: orphan.id, title: "Back to work" });
    expect((await caller.session.get({ id: session.id })).worktree?.path).toBe(wt.path);
    expect((await caller.chat.list({ sessionId: session.id })).length).toBe(1);
    expect((await caller.worktree.orphans()).map((o) => o.path)).not.toContain(wt.path);
  });

  it("says at once when a repository has no origin/HEAD: no delete of the session could be verified", async () => {
    const bare = await createRepoFixture({ setOriginHead: false, worktreeRoot: repo.worktreeRoot });
    try {
      const session = await caller.session.create({ title: "no origin head", repoPath: bare.clone });
      expect(session.warnings).toEqual([expect.stringContaining("no origin/HEAD: BooChat cannot tell whether work is merged, so no delete of this session can be verified")]);
      expect((await caller.session.create({ title: "with origin head", repoPath: repo.repo })).warnings).toEqual([]);
      await caller.session.delete({ id: session.id, force: true });
    } finally {
      await bare.cleanup();
    }
  });

  it("refuses a repository path that does not exist, naming the field once, and keeps no session", async () => {
    const before = await testDb.db.session.count();
    const error = await trpcError(caller.session.create({ title: "nowhere", repoPath: "/no/such/repository" }));
    expect([error.code, error.message]).toEqual(["BAD_REQUEST", "repoPath: /no/such/repository does not exist"]);
    expect(await testDb.db.session.count()).toBe(before);
  });

  it("stash-and-delete stashes every dirty worktree, then deletes in one step; when commits still block it says what was stashed and what is at risk", async () => {
    const dirty = await sessionWithWorktree("stash in one step");
    await fs.writeFile(path.join(dirty.path, "scratch.txt"), "stash me\n");
    proxy.reset();
    const done = await caller.session.stashAndDelete({ id: dirty.id });
    expect(done).toMatchObject({ deleted: true, worktree: { path: dirty.path, outcome: "removed" }, stashed: [{ path: dirty.path, ref: expect.stringMatching(/^[0-9a-f]{40}$/) }] });
    expect(proxy.requests).toEqual(["POST /v1/worktrees/risk", "POST /v1/worktrees/stash", "POST /v1/worktrees/remove"]);
    expect(await repo.git(repo.repo, "stash", "list")).toContain("boochat: stash in one step");

    const committed = await sessionWithWorktree("stash but commits block");
    await fs.writeFile(path.join(committed.path, "kept.txt"), "kept\n");
    await repo.git(committed.path, "add", "kept.txt");
    await repo.git(committed.path, "commit", "-q", "-m", "a local commit");
    await fs.writeFile(path.join(committed.path, "loose.txt"), "loose\n");
    const { message, reports } = await conflict(caller.session.stashAndDelete({ id: committed.id }));
    expect(message).toMatch(new RegExp(`^Stashed ${committed.path} as stash@\\{0\\} \\([0-9a-f]{8}\\); the session was not deleted: still at risk: 1 unpushed commit$`));
    expect(reports.map((r) => [r.path, r.status, r.dirty.untracked])).toEqual([[committed.path, "at-risk", 0]]);
    expect(await exists(committed.path)).toBe(true);
    expect(await testDb.db.session.count({ where: { id: committed.id } })).toBe(1);
  });

  it("stashes uncommitted work so the delete can go on, and the stash survives", async () => {
    const wt = await sessionWithWorktree("stash me");
    await fs.writeFile(path.join(wt.path, "scratch.txt"), "stash me\n");
    await conflict(caller.session.delete({ id: wt.id }));
    const stashed = await caller.worktree.stash({ sessionId: wt.id });
    expect(stashed.stashed).toBe(true);
    expect(stashed.report.status).toBe("clean");
    await caller.session.delete({ id: wt.id });
    expect(await exists(wt.path)).toBe(false);
    expect(await repo.git(repo.repo, "stash", "list")).toContain("boochat: stash me");
  });

  it("commits from the commit flow: the changes become a commit, which still blocks until pushed", async () => {
    const wt = await sessionWithWorktree("commit flow");
    await fs.writeFile(path.join(wt.path, "done.txt"), "done\n");
    await conflict(caller.session.delete({ id: wt.id }));
    const result = await caller.worktree.commit({ sessionId: wt.id, message: "finish the work" });
    expect(result.committed).toBe(true);
    expect(await repo.git(wt.path, "log", "-1", "--format=%s")).toBe("finish the work");
    expect(result.report.reasons).not.toContain("dirty");
    expect(result.report.unpushed.commits.map((c) => c.subject)).toEqual(["finish the work"]);
    const again = await conflict(caller.session.delete({ id: wt.id }));
    expect(again.message).toContain("1 unpushed commit");

    await repo.git(wt.path, "push", "-q", "origin", `HEAD:refs/heads/main`);
    await repo.git(repo.repo, "fetch", "-q", "origin");
    expect(await caller.session.delete({ id: wt.id })).toMatchObject({ deleted: true, worktree: { outcome: "removed" } });
  });

  it("says so when there is nothing to commit, and refuses an empty message naming the field", async () => {
    const wt = await sessionWithWorktree("nothing to commit");
    expect((await caller.worktree.commit({ sessionId: wt.id, message: "empty" })).committed).toBe(false);
    const error = await caller.worktree.commit({ sessionId: wt.id, message: "  " }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toContain("message");
  });

  it("lets one of two concurrent deletes win; the other gets NOT_FOUND", async () => {
    const wt = await sessionWithWorktree("race");
    const results = await Promise.allSettled([caller.session.delete({ id: wt.id }), caller.session.delete({ id: wt.id })]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(TRPCError);
    expect((rejected[0] as TRPCError).code).toBe("NOT_FOUND");
  });

  it("refuses as unverified when the risk check times out", async () => {
    const wt = await sessionWithWorktree("slow check");
    // Dirty, so the sidecar (which still gets the request after the client gave up) refuses too.
    await fs.writeFile(path.join(wt.path, "pending.txt"), "pending\n");
    const impatient = callerFor(testDb.db, { sidecar: createSidecarClient({ url: proxy.url, token: sidecar.token }), riskTimeoutMs: 1 });
    const { reports, message } = await conflict(impatient.session.delete({ id: wt.id }));
    expect(reports[0]?.status).toBe("unverified");
    expect(message).toContain("did not answer");
    expect(await exists(wt.path)).toBe(true);
  });
});

describe("the delete gate with the sidecar stopped", () => {
  it("refuses with an unverified report (fail-closed), and force still escapes with zero requests, without touching the disk", async () => {
    const own = await startSidecar({ worktreeRoot: repo.worktreeRoot });
    const ownProxy = await startCountingProxy(own.url);
    try {
      const local = callerFor(testDb.db, { sidecar: createSidecarClient({ url: ownProxy.url, token: own.token }), riskTimeoutMs: 5_000 });
      const session = await local.session.create({ title: "sidecar goes away", repoPath: repo.repo });
      const wtPath = session.worktree?.path ?? "";
      await own.stop();

      const { reports, message } = await conflict(local.session.delete({ id: session.id }));
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ path: wtPath, status: "unverified" });
      expect(reports[0]?.error).toContain("cannot be reached");
      expect(message).toContain("cannot be reached");
      expect(await testDb.db.session.findUnique({ where: { id: session.id } })).not.toBeNull();

      ownProxy.reset();
      await local.session.delete({ id: session.id, force: true });
      expect(ownProxy.requests).toEqual([]);
      expect(await testDb.db.session.findUnique({ where: { id: session.id } })).toBeNull();
      expect(await exists(wtPath)).toBe(true);
      expect((await local.worktree.orphans()).map((o) => o.path)).toContain(wtPath);
    } finally {
      await ownProxy.close();
      await own.stop();
    }
  });
});
