import { mkdir, readdir, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { MAX_SUBMODULE_DEPTH } from "./git/repo-guard";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * Repositories whose configuration the sidecar cannot switch off with certainty: it runs no git that
 * could start a driver on them and says why, `unverified` in a report, a 409 `unverified` otherwise.
 * Each holds a filter that would leave a marker, to show that nothing ran.
 */

type ErrorBody = { error: { code: string; message: string }; report?: RiskReport };

let repo: RepoFixture;
let deepRepo: RepoFixture;
let sidecar: SidecarProcess;
let markers: string;
const wt: Record<string, string> = {};

async function risk(dir: string): Promise<RiskReport> {
  const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [dir] });
  expect(response.status).toBe(200);
  const [report] = response.body.reports;
  if (!report) throw new Error("no report");
  return report;
}

/** A tracked file edited so that status must read it (same size, an hour old): the clean filter would run. */
async function editUnseen(fixture: RepoFixture, dir: string, file: string, content: string): Promise<void> {
  await fixture.write(dir, { [file]: content });
  const past = new Date(Date.now() - 3_600_000);
  await utimes(path.join(dir, file), past, past);
}

/** `levels` repositories, each a `.git` folder inside the one above, recorded as gitlinks, innermost with a hostile filter. */
async function nestSubmodules(fixture: RepoFixture, top: string, levels: number): Promise<string> {
  const chain = [top];
  for (let level = 1; level <= levels; level += 1) {
    const parent = chain.at(-1) ?? top;
    await fixture.git(parent, ["init", "-q", "-b", "main", `level${level}`]);
    chain.push(path.join(parent, `level${level}`));
  }
  const innermost = chain.at(-1) ?? top;
  await fixture.commit(innermost, { ".gitattributes": "*.txt filter=deep\n", "deep.txt": "deep\n" }, "innermost");
  for (let level = levels; level >= 1; level -= 1) {
    const parent = chain[level - 1] ?? top;
    await fixture.git(parent, ["add", `level${level}`]);
    await fixture.git(parent, ["commit", "-q", "-m", `level ${level} as a gitlink`]);
  }
  await fixture.git(innermost, ["config", "filter.deep.clean", `touch '${markers}/deep-clean'; cat`]);
  await editUnseen(fixture, innermost, "deep.txt", "DEEP\n");
  return innermost;
}

beforeAll(async () => {
  repo = await createRepoFixture();
  deepRepo = await createRepoFixture({ worktreeRoot: repo.worktreeRoot });
  markers = path.join(repo.base, "markers");
  await mkdir(markers);
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
  await repo.commit(repo.clone, { ".gitattributes": "*.txt filter=a=b\n", "data.txt": "data\n" }, "attributes");
  await repo.git(repo.clone, ["push", "-q", "origin", "main"]);
  for (const name of ["risk", "stash", "commit", "remove"]) wt[name] = await repo.addWorktree(name);
  for (const name of ["risk", "stash", "commit"]) await editUnseen(repo, wt[name] ?? "", "data.txt", "DATA\n");
  // Where `~nobody/` leads depends on the password database at the moment git runs: not something to bet on.
  await writeFile(path.join(repo.base, "filter.gitconfig"), `[filter "a=b"]\n\tclean = touch '${markers}/clean'; cat\n`);
  await repo.git(repo.clone, ["config", "include.path", path.join(repo.base, "filter.gitconfig")]);
  await repo.git(repo.clone, ["config", "--add", "include.path", "~nobody/boochat.gitconfig"]);

  wt.tooDeep = await deepRepo.addWorktree("too-deep");
  await nestSubmodules(deepRepo, wt.tooDeep, MAX_SUBMODULE_DEPTH + 1);
  wt.deepEnough = await deepRepo.addWorktree("deep-enough");
  await nestSubmodules(deepRepo, wt.deepEnough, MAX_SUBMODULE_DEPTH);
  wt.brokenSub = await deepRepo.addWorktree("broken-submodule");
  await nestSubmodules(deepRepo, wt.brokenSub, 1);
  await rm(path.join(wt.brokenSub, "level1", ".git"), { recursive: true });
  await writeFile(path.join(wt.brokenSub, "level1", ".git"), "gitdir: /nonexistent/boochat\n");
}, 90_000);

afterAll(async () => {
  await sidecar?.stop();
  await Promise.all([repo?.cleanup(), deepRepo?.cleanup()]);
});

const UNCERTAIN = /cannot be switched off with certainty, so git was not run on it: .*includes ~nobody\/boochat\.gitconfig, a path the sidecar cannot resolve for certain/;

describe("a configuration the sidecar cannot switch off with certainty", () => {
  it("makes the risk report unverified, saying why", async () => {
    const report = await risk(wt.risk ?? "");
    expect(report.status).toBe("unverified");
    expect(report.error).toMatch(UNCERTAIN);
  });

  it("refuses a stash and a commit with 409 unverified", async () => {
    for (const [route, dir] of [["/v1/worktrees/stash", wt.stash], ["/v1/worktrees/commit", wt.commit]] as const) {
      const response = await sidecar.request<ErrorBody>("POST", route, { path: dir, message: "m" });
      expect(response.status, route).toBe(409);
      expect(response.body.error.code).toBe("unverified");
      expect(response.body.error.message).toMatch(UNCERTAIN);
      expect(response.body.report?.status).toBe("unverified");
    }
  });

  it("refuses to create a worktree with 409 unverified", async () => {
    const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees", { sessionId: "uncertain", repoPath: repo.clone });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: "unverified", message: expect.stringMatching(UNCERTAIN) });
    expect(await readdir(repo.worktreeRoot)).not.toContain("clone-uncertain");
  });

  it("keeps a clean worktree rather than remove it", async () => {
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/remove", { path: wt.remove });
    expect(response.status).toBe(409);
    expect(response.body.reports[0]?.status).toBe("unverified");
    expect(await readdir(repo.worktreeRoot)).toContain("remove");
  });

  it(`does not verify submodules nested deeper than ${MAX_SUBMODULE_DEPTH} levels, and checks ${MAX_SUBMODULE_DEPTH} levels`, async () => {
    const tooDeep = await risk(wt.tooDeep ?? "");
    expect(tooDeep.status).toBe("unverified");
    expect(tooDeep.error).toMatch(new RegExp(`nests submodules deeper than ${MAX_SUBMODULE_DEPTH} levels`));
    const deepEnough = await risk(wt.deepEnough ?? "");
    expect(deepEnough).toMatchObject({ status: "at-risk", reasons: ["dirty", "unpushed", "unmerged"], dirty: { files: ["level1"] } });
  });

  it("does not verify a submodule whose git dir cannot be read", async () => {
    const report = await risk(wt.brokenSub ?? "");
    expect(report.status).toBe("unverified");
    expect(report.error).toMatch(/the submodule .*level1 cannot be read/);
  });

  it("ran none of their filters", async () => {
    expect(await readdir(markers)).toEqual([]);
  });
});
