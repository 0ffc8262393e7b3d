import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * "Merge into session" (issue 18): the arena winner's branch into the origin session's worktree, by the
 * real sidecar on real repositories. A conflict, a dirty worktree or a hostile merge driver must leave
 * the worktree exactly as it was: files, HEAD and index.
 */

type MergeBody = { result: string; head: string; branch: string; report: RiskReport };
type ErrorBody = { error: { code: string; message: string }; files?: string[]; report?: RiskReport };

let repo: RepoFixture;
let sidecar: SidecarProcess;
let markers: string;

const merge = (dir: string, branch: string, message = "Merge the arena's winner") =>
  sidecar.request<MergeBody & ErrorBody>("POST", "/v1/worktrees/merge", { path: dir, branch, message });

/** Every file's bytes (and link targets) under `dir`, outside .git, plus HEAD and the index's bytes. */
async function snapshot(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (at: string): Promise<void> => {
    for (const entry of (await readdir(at, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === ".git") continue;
      const full = path.join(at, entry.name);
      hash.update(`${path.relative(dir, full)}\0`);
      if (entry.isDirectory()) await walk(full);
      else hash.update(await readFile(full));
    }
  };
  await walk(dir);
  const gitDir = await repo.git(dir, ["rev-parse", "--absolute-git-dir"]);
  hash.update(await repo.git(dir, ["rev-parse", "HEAD"]));
  hash.update(await readFile(path.join(gitDir, "index")));
  return hash.digest("hex");
}

/** A session worktree and a winner branch, both from main. */
async function pair(name: string): Promise<{ session: string; winner: string }> {
  const session = await repo.addWorktree(`${name}-session`);
  const winner = await repo.addWorktree(`${name}-winner`);
  return { session, winner };
}

beforeAll(async () => {
  repo = await createRepoFixture();
  markers = path.join(repo.base, "markers");
  await mkdir(markers);
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
}, 60_000);

beforeEach(async () => {
  await rm(markers, { recursive: true, force: true });
  await mkdir(markers);
});

afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

describe("merge into session", () => {
  it("fast-forwards when the session has nothing of its own", async () => {
    const { session, winner } = await pair("ff");
    const tip = await repo.commit(winner, { "winner.txt": "won\n" }, "the winning change");
    const response = await merge(session, "ff-winner");
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ result: "fast-forward", head: tip, branch: "ff-winner" });
    expect(await repo.git(session, ["rev-parse", "HEAD"])).toBe(tip);
    expect(await readFile(path.join(session, "winner.txt"), "utf8")).toBe("won\n");
    expect(await repo.git(session, ["status", "--porcelain"])).toBe("");
    expect(response.body.report.dirty).toMatchObject({ staged: 0, unstaged: 0, untracked: 0 });
  });

  it("makes a merge commit with the message when both sides have commits", async () => {
    const { session, winner } = await pair("true");
    const ours = await repo.commit(session, { "ours.txt": "ours\n" }, "session's own work");
    const theirs = await repo.commit(winner, { "theirs.txt": "theirs\n" }, "winner's work");
    // Hooks a merge, a commit or a checkout would run: installed now, after the setup's own commits.
    const hooks = ["reference-transaction", "post-merge", "post-checkout", "post-index-change", "pre-commit", "commit-msg", "post-commit"];
    for (const hook of hooks) {
      await writeFile(path.join(repo.clone, ".git", "hooks", hook), `#!/bin/sh\ntouch '${path.join(markers, hook)}'\n`);
      await chmod(path.join(repo.clone, ".git", "hooks", hook), 0o755);
    }
    const response = await merge(session, "true-winner", "Merge arena winner true-winner");
    for (const hook of hooks) await rm(path.join(repo.clone, ".git", "hooks", hook));
    expect(await readdir(markers)).toEqual([]);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.result).toBe("merged");
    const head = await repo.git(session, ["rev-parse", "HEAD"]);
    expect(response.body.head).toBe(head);
    expect(await repo.git(session, ["log", "-1", "--format=%P"])).toBe(`${ours} ${theirs}`);
    expect(await repo.git(session, ["log", "-1", "--format=%B"])).toBe("Merge arena winner true-winner");
    expect(await readFile(path.join(session, "theirs.txt"), "utf8")).toBe("theirs\n");
    expect(await readFile(path.join(session, "ours.txt"), "utf8")).toBe("ours\n");
    expect(await repo.git(session, ["status", "--porcelain"])).toBe("");
  });

  it("answers up to date when the session already has the branch", async () => {
    const { session } = await pair("same");
    await repo.commit(session, { "s.txt": "s\n" }, "ahead");
    const response = await merge(session, "same-winner");
    expect(response.status).toBe(200);
    expect(response.body.result).toBe("up-to-date");
  });

  it("leaves the worktree exactly as before on a conflict (files, HEAD, index) and names the files", async () => {
    const { session, winner } = await pair("conflict");
    await repo.commit(session, { "README.md": "session's readme\n", "clean.txt": "only here\n" }, "session edits README");
    await repo.commit(winner, { "README.md": "winner's readme\n", "other.txt": "other\n" }, "winner edits README");
    await repo.write(session, { "ignored.log": "ignored files stay too\n" });
    const before = await snapshot(session);
    const response = await merge(session, "conflict-winner");
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("merge-conflict");
    expect(response.body.error.message).toBe("merging conflict-winner conflicts in README.md; nothing was changed");
    expect(response.body.files).toEqual(["README.md"]);
    expect(response.body.report?.status).toBe("at-risk");
    expect(await snapshot(session)).toBe(before);
    expect(await repo.git(session, ["status", "--porcelain"])).toBe("");
  });

  it("refuses a worktree with uncommitted work, with the report, changing nothing", async () => {
    const { session, winner } = await pair("dirty");
    await repo.commit(winner, { "winner.txt": "w\n" }, "winner");
    await repo.write(session, { "notes.txt": "not committed\n" });
    const before = await snapshot(session);
    const response = await merge(session, "dirty-winner");
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: "uncommitted-work" });
    expect(response.body.error.message).toMatch(/has uncommitted work \(notes\.txt\): commit or stash it first; nothing was merged/);
    expect(response.body.report).toMatchObject({ status: "at-risk", reasons: ["dirty"] });
    expect(await snapshot(session)).toBe(before);
  });

  it("turns a repository's merge driver into a conflict and never runs it", async () => {
    const { session, winner } = await pair("driver");
    await repo.commit(session, { ".gitattributes": "*.txt merge=m=n\n", "m.txt": "base\n" }, "attributes");
    await repo.git(winner, ["merge", "-q", "--ff-only", "driver-session"]);
    await repo.commit(session, { "m.txt": "session side\n" }, "session edits m.txt");
    await repo.commit(winner, { "m.txt": "winner side\n" }, "winner edits m.txt");
    const driver = path.join(repo.base, "driver.sh");
    await writeFile(driver, `#!/bin/sh\ntouch '${path.join(markers, "merge-driver")}'\ncp "$3" "$2"\nexit 0\n`);
    await chmod(driver, 0o755);
    await repo.git(repo.clone, ["config", "merge.m=n.driver", `${driver} %O %A %B`]);
    const before = await snapshot(session);
    const response = await merge(session, "driver-winner");
    expect(response.status).toBe(409);
    expect(response.body.files).toEqual(["m.txt"]);
    expect(await readdir(markers)).toEqual([]);
    expect(await snapshot(session)).toBe(before);
    // The trap is real: plain git runs the driver (and it would have merged cleanly).
    await repo.git(session, ["merge-tree", "--write-tree", "HEAD", "driver-winner"], { allowFailure: true });
    expect(await readdir(markers)).toEqual(["merge-driver"]);
  });

  it("refuses bad input and paths outside the root in words", async () => {
    const { session } = await pair("input");
    const missing = await merge(session, "no-such-branch");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe("branch: no-such-branch is not a branch of the repository");
    const dashed = await merge(session, "-x");
    expect(dashed.status).toBe(400);
    expect(dashed.body.error.message).toMatch(/branch: must not start with '-'/);
    const outside = await merge(repo.clone, "input-winner");
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe("outside-worktree-root");
    const empty = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/merge", { path: session, branch: "input-winner", message: " " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe("message: must not be empty");
  });
});
