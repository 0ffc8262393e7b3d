import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSidecarClient } from "../../server/sidecar-client";
import { startCountingProxy } from "../helpers/counting-proxy";
import { exists, makeUserRepo } from "../helpers/git-workdir";
import { startSidecar } from "../helpers/sidecar-process";
import { createTestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc-caller";

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

async function worktreeSession(title: string) {
  const session = await caller.session.create({ title, repoPath: repo.repo });
  return { id: session.id, path: session.worktree?.path ?? "" };
}

describe("risk badges", () => {
  it("say what a delete would meet for every session shown, from one sidecar request", async () => {
    const clean = await worktreeSession("badge clean");
    const dirty = await worktreeSession("badge dirty");
    await fs.writeFile(path.join(dirty.path, "a.txt"), "a\n");
    await fs.writeFile(path.join(dirty.path, "b.txt"), "b\n");
    const committed = await worktreeSession("badge committed");
    await fs.writeFile(path.join(committed.path, "c.txt"), "c\n");
    await repo.git(committed.path, "add", "c.txt");
    await repo.git(committed.path, "commit", "-q", "-m", "local work");
    const chatOnly = await caller.session.create({ title: "badge chat" });
    proxy.reset();

    const badges = await caller.worktree.riskBadges({ sessionIds: [clean.id, dirty.id, committed.id, chatOnly.id, "no-such-session"] });
    expect(proxy.requests).toEqual(["POST /v1/worktrees/risk"]);
    expect(badges.map((b) => [b.sessionId, b.status, b.label])).toEqual([
      [clean.id, "clean", "clean: nothing would be lost"],
      [dirty.id, "at-risk", "2 uncommitted files"],
      [committed.id, "at-risk", "1 unpushed commit"],
      [chatOnly.id, "none", "chat only: no worktree"],
    ]);
  });

  it("are fail-closed: a sidecar that cannot answer makes every worktree's badge 'could not verify'", async () => {
    const session = await worktreeSession("badge offline");
    const offline = callerFor(testDb.db, { sidecar: createSidecarClient({ url: "http://127.0.0.1:9", token: "x", timeoutMs: 2_000 }), riskTimeoutMs: 2_000 });
    const [badge] = await offline.worktree.riskBadges({ sessionIds: [session.id] });
    expect(badge?.status).toBe("unverified");
    expect(badge?.label).toMatch(/^could not verify: The risk check could not run: the sidecar at http:\/\/127\.0\.0\.1:9 cannot be reached/);
  });
});

describe("clean up sessions", () => {
  it("offers only sessions whose worktree is clean and merged, and deletes the chosen ones through the gate, reporting the ones it kept", async () => {
    const clean = await worktreeSession("cleanup clean");
    const dirty = await worktreeSession("cleanup dirty");
    await fs.writeFile(path.join(dirty.path, "draft.txt"), "draft\n");
    const later = await worktreeSession("cleanup later dirty");
    const candidates = (await caller.session.cleanupCandidates()).map((c) => c.id);
    expect(candidates).toEqual(expect.arrayContaining([clean.id, later.id]));
    expect(candidates).not.toContain(dirty.id);

    // It became dirty after the list was shown: the gate still protects it.
    await fs.writeFile(path.join(later.path, "late.txt"), "late\n");
    const outcome = await caller.session.cleanup({ ids: [clean.id, later.id] });
    expect(outcome.deleted).toEqual([{ id: clean.id, path: clean.path }]);
    expect(outcome.refused.map((r) => [r.id, r.riskReports[0]?.dirty.files])).toEqual([[later.id, ["late.txt"]]]);
    expect(await exists(clean.path)).toBe(false);
    expect(await fs.readFile(path.join(later.path, "late.txt"), "utf8")).toBe("late\n");
  });
});
