import { readFile, stat, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { buildRiskStates, type RiskStates } from "../tests/sidecar/risk-states";

/**
 * A batch shares each repository's work between its worktrees (issue 18): its verdicts must be the
 * single checks' on every repository state of the risk tests, and it must run fewer git calls.
 */

let states: RiskStates;
let extra: RepoFixture;
let sidecar: SidecarProcess;

async function check(paths: string[]): Promise<RiskReport[]> {
  const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.reports;
}

/** git calls the audit log holds from `offset` on. */
async function gitCallsSince(offset: number): Promise<string[]> {
  const text = (await readFile(sidecar.auditLogPath)).subarray(offset).toString("utf8");
  return text.split("\n").filter((line) => line !== "");
}

const auditSize = async () => (await stat(sidecar.auditLogPath).catch(() => ({ size: 0 }))).size;

beforeAll(async () => {
  const root = await makeTempDir("boochat-risk-batch-root-");
  [sidecar, states] = await Promise.all([startSidecar({ worktreeRoot: root }), buildRiskStates(root)]);
  extra = await createRepoFixture({ worktreeRoot: root });
}, 180_000);

afterAll(async () => {
  await sidecar?.stop();
  await Promise.all([states?.cleanup(), extra?.cleanup()]);
});

describe("risk check of many worktrees in one request", () => {
  it("gives every repository state the very report a single check gives it", async () => {
    const paths = Object.values(states.wt);
    // Twice the same path and a path through a symbolic link: still one report each, in order.
    const link = path.join(states.root, "link-to-untracked");
    await symlink(states.wt.untracked ?? "", link);
    const asked = [...paths, paths[0] ?? "", link];
    const batch = await check(asked);
    expect(batch.map((report) => report.path)).toEqual(asked);
    for (const [index, dir] of asked.entries()) {
      const [single] = await check([dir]);
      expect(batch[index], `${dir}`).toEqual(single);
    }
  });

  it("shares the repository's work: far fewer git calls than one request per worktree", async () => {
    const dirs: string[] = [];
    for (let i = 0; i < 10; i += 1) dirs.push(await extra.addWorktree(`shared-${i}`));
    await extra.commit(dirs[0] ?? "", { "own.txt": "own\n" }, "one worktree with a commit of its own");

    const before = await auditSize();
    const batch = await check(dirs);
    const batchCalls = await gitCallsSince(before);
    const singlesStart = await auditSize();
    const singles: RiskReport[] = [];
    for (const dir of dirs) singles.push(...(await check([dir])));
    const singleCalls = await gitCallsSince(singlesStart);

    expect(batch).toEqual(singles);
    // Shared: origin/HEAD, the worktree list, the config, one rev-list of all heads; per worktree: ls-files and status.
    expect(batchCalls.filter((line) => line.includes(" worktree list "))).toHaveLength(1);
    expect(batchCalls.filter((line) => line.includes(" config -z "))).toHaveLength(1);
    // ... and five more for the worktree with a commit (rev-list, cherry, unpushed, the squash check's two).
    const shown = batchCalls.map((line) => (JSON.parse(line) as { argv: string }).argv).join("\n");
    expect(batchCalls.length, shown).toBeLessThanOrEqual(4 + 2 * dirs.length + 5);
    expect(batchCalls.length).toBeLessThan(singleCalls.length / 2);
  });
});
