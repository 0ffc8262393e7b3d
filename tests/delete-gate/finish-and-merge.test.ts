import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../../server/errors";
import { createSidecarClient } from "../../server/sidecar-client";
import { exists, makeUserRepo } from "../helpers/git-workdir";
import { startSidecar } from "../helpers/sidecar-process";
import { createTestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

// Finishing a session without a terminal (issue 17) and taking an arena's winner (issue 18),
// through the API, the real sidecar and real repositories with a bare origin.
let testDb: Awaited<ReturnType<typeof createTestDb>>;
let repo: Awaited<ReturnType<typeof makeUserRepo>>;
let sidecar: Awaited<ReturnType<typeof startSidecar>>;
let api: ReturnType<typeof callerFor>;

beforeAll(async () => {
  testDb = await createTestDb();
  repo = await makeUserRepo();
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
  api = callerFor(testDb.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), riskTimeoutMs: 10_000 });
});
afterAll(async () => {
  await sidecar?.stop();
  await testDb?.cleanup();
  await repo?.cleanup();
});

async function commitFile(cwd: string, file: string, content: string, subject: string) {
  await fs.writeFile(path.join(cwd, file), content);
  await repo.git(cwd, "add", file);
  await repo.git(cwd, "commit", "-q", "-m", subject);
}

/** A second clone of origin, as a colleague or the forge's merge button would use it. */
async function otherClone(name: string) {
  const dir = path.join(repo.base, name);
  await repo.git(repo.base, "clone", "-q", repo.origin, dir);
  return dir;
}

describe("finishing a session", () => {
  it("push clears 'unpushed'; after a squash merge on origin's side, refresh makes it merged and the delete removes the worktree", async () => {
    const session = await api.session.create({ title: "finish me", repoPath: repo.repo });
    const wt = session.worktree?.path ?? "";
    await commitFile(wt, "feature.txt", "the feature\n", "add the feature");

    const pushed = await api.worktree.push({ sessionId: session.id });
    expect(pushed.upstream).toMatch(/^origin\/boochat\//);
    expect(pushed.report.reasons).not.toContain("unpushed");
    expect(pushed.report.reasons).toContain("unmerged");
    expect(await repo.git(repo.origin, "rev-parse", `refs/heads/${pushed.branch}`)).toBe(await repo.git(wt, "rev-parse", "HEAD"));

    // The pull request is squash-merged on the server.
    const colleague = await otherClone("squash-merger");
    await repo.git(colleague, "merge", "-q", "--squash", `origin/${pushed.branch}`);
    await repo.git(colleague, "commit", "-q", "-m", "Squash: add the feature");
    await repo.git(colleague, "push", "-q", "origin", "main");

    const refreshed = await api.worktree.fetch({ sessionId: session.id });
    expect(refreshed.report?.status).toBe("clean");
    expect(await api.session.delete({ id: session.id })).toMatchObject({ deleted: true, worktree: { path: wt, outcome: "removed" } });
    expect(await exists(wt)).toBe(false);
  });

  it("a push that is not a fast-forward is refused in words and changes nothing", async () => {
    const session = await api.session.create({ title: "diverged", repoPath: repo.repo });
    const wt = session.worktree?.path ?? "";
    await commitFile(wt, "mine.txt", "mine\n", "my work");
    const { branch } = await api.worktree.push({ sessionId: session.id });
    // Someone else pushes to the same branch; then local work diverges.
    const other = await otherClone("diverger");
    await repo.git(other, "checkout", "-q", branch);
    await commitFile(other, "theirs.txt", "theirs\n", "their work");
    await repo.git(other, "push", "-q", "origin", branch);
    const remoteBefore = await repo.git(repo.origin, "rev-parse", `refs/heads/${branch}`);
    await commitFile(wt, "more.txt", "more\n", "more of my work");

    const refused = await trpcError(api.worktree.push({ sessionId: session.id }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(/^Nothing was pushed: .*(fast-forward|fetch first|rejected)/);
    expect(await repo.git(repo.origin, "rev-parse", `refs/heads/${branch}`)).toBe(remoteBefore);
    await api.session.delete({ id: session.id, force: true });
  });
});

describe("the pull request link", () => {
  it("opens the host's new pull request page for the branch against the default branch, or says in words why there is none", async () => {
    const session = await api.session.create({ title: "link me", repoPath: repo.repo });
    const branch = session.worktree?.branch ?? "";
    const local = await api.worktree.pullRequestUrl({ sessionId: session.id });
    expect(local).toEqual({ url: null, reason: `origin (${repo.origin}) is not on a host BooChat knows (GitHub, GitLab, Gitea/Forgejo, Bitbucket): open a pull request of ${branch} into main there` });
    await repo.git(repo.repo, "config", "remote.origin.pushurl", "https://me:token@github.com/acme/widget.git");
    try {
      const github = await api.worktree.pullRequestUrl({ sessionId: session.id });
      expect(github.url).toBe(`https://github.com/acme/widget/compare/main...${branch}?expand=1`);
    } finally {
      await repo.git(repo.repo, "config", "--unset", "remote.origin.pushurl");
    }
    await api.session.delete({ id: session.id });
  });
});

/** An arena started from `origin` with two entry sessions whose worktrees branch from its branch. */
async function arenaFrom(originId: string, originBranch: string, title: string) {
  const arena = await testDb.db.arena.create({ data: { sessionId: originId, prompt: `${title}: make it better` } });
  const entries = [];
  for (const n of [1, 2]) {
    const entry = await testDb.db.session.create({ data: { title: `Arena ${n}: ${title}`, arenaId: arena.id, chats: { create: { title: `Arena ${n}` } } }, include: { chats: true } });
    const made = await createSidecarClient({ url: sidecar.url, token: sidecar.token }).createWorktree({
      sessionId: entry.id,
      repoPath: repo.repo,
      branch: `boochat/arena-${arena.id.slice(-6)}-${n}-${title}`,
      base: originBranch,
    });
    await testDb.db.worktree.create({ data: { sessionId: entry.id, repoPath: repo.repo, path: made.path, branch: made.branch, baseRef: made.head, purpose: "arena" } });
    entries.push({ id: entry.id, chatId: entry.chats[0]?.id ?? "", path: made.path });
  }
  return { arena, entries };
}

describe("taking an arena's winner", () => {
  it("merges the winner into the origin's branch (fast-forward), and cleanup deletes the clean loser but keeps a dirty one with a 409", async () => {
    const origin = await api.session.create({ title: "origin ff", repoPath: repo.repo });
    const { arena, entries } = await arenaFrom(origin.id, origin.worktree?.branch ?? "", "ff");
    const [winner, loser] = entries;
    if (!winner || !loser) throw new Error("no entries");
    await commitFile(winner.path, "answer.txt", "the winning answer\n", "winning answer");

    expect((await trpcError(api.arena.merge({ arenaId: arena.id }))).message).toContain("has no winner yet: mark one first");
    await api.arena.markWinner({ arenaId: arena.id, chatId: winner.chatId });
    const merged = await api.arena.merge({ arenaId: arena.id });
    expect(merged.result).toBe("fast-forward");
    expect(await fs.readFile(path.join(origin.worktree?.path ?? "", "answer.txt"), "utf8")).toBe("the winning answer\n");

    await fs.writeFile(path.join(loser.path, "unsaved.txt"), "do not drop me\n");
    const kept = await trpcError(api.arena.cleanup({ arenaId: arena.id }));
    expect(kept.code).toBe("CONFLICT");
    expect(kept.message).toBe("“Arena 2: ff” holds work that would be lost, so it was kept");
    expect((kept.cause as AppError).data.riskReports?.[0]?.dirty.files).toEqual(["unsaved.txt"]);
    expect(await exists(path.join(loser.path, "unsaved.txt"))).toBe(true);
    await fs.rm(path.join(loser.path, "unsaved.txt"));
    expect(await api.arena.cleanup({ arenaId: arena.id })).toEqual({ deleted: [loser.id] });
    expect(await testDb.db.session.count({ where: { id: winner.id } })).toBe(1);
  });

  it("a conflict leaves the origin's worktree exactly as before and names the file; uncommitted work there refuses the merge", async () => {
    const origin = await api.session.create({ title: "origin conflict", repoPath: repo.repo });
    const originPath = origin.worktree?.path ?? "";
    const { arena, entries } = await arenaFrom(origin.id, origin.worktree?.branch ?? "", "conflict");
    const [winner] = entries;
    if (!winner) throw new Error("no entries");
    await commitFile(winner.path, "README.md", "the winner's readme\n", "winner rewrites the readme");
    await commitFile(originPath, "README.md", "the origin's readme\n", "origin rewrites the readme too");
    await api.arena.markWinner({ arenaId: arena.id, chatId: winner.chatId });
    const head = await repo.git(originPath, "rev-parse", "HEAD");

    const conflict = await trpcError(api.arena.merge({ arenaId: arena.id }));
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.message).toMatch(/^Nothing was merged: .*README\.md/);
    expect((conflict.cause as AppError).data.conflicts).toEqual(["README.md"]);
    expect(await repo.git(originPath, "rev-parse", "HEAD")).toBe(head);
    expect(await fs.readFile(path.join(originPath, "README.md"), "utf8")).toBe("the origin's readme\n");
    expect(await repo.git(originPath, "status", "--porcelain")).toBe("");

    await fs.writeFile(path.join(originPath, "wip.txt"), "work in progress\n");
    const dirty = await trpcError(api.arena.merge({ arenaId: arena.id }));
    expect(dirty.code).toBe("CONFLICT");
    expect((dirty.cause as AppError).data.riskReports?.[0]?.dirty.files).toEqual(["wip.txt"]);
    expect(await repo.git(originPath, "rev-parse", "HEAD")).toBe(head);
  });
});
