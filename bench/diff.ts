import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { WorktreeDiff } from "../server/schemas/diff";
import { createRepoFixture, makeTempDir } from "../tests/helpers/git-repos";
import { startSidecar } from "../tests/helpers/sidecar-process";
import { floorOnce, median, ms, requestWithCalls, snapshotSetup } from "./git-floor";
import { generateBigRepo } from "./risk";

/**
 * `npm run bench -- diff [--files=100000] [--runs=9]`: the Changes view's diff (`POST /v1/worktrees/diff`,
 * scope "base") of a worktree with 100 changed files (40 committed on the branch, 30 edited, 30 new in
 * new folders) over a generated repository, against its floor: the same git commands, read back from
 * the audit log of that very request, run back to back (the snapshot index they read recreated, untimed).
 * Target: ratio <= 1.3, printed last as `ratio <number>`.
 */

type Options = { files: number; runs: number };

function parseOptions(args: string[]): Options {
  const options: Options = { files: 100_000, runs: 9 };
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg}: expected --name=<positive integer>`);
    if (key === "files") options.files = n;
    else if (key === "runs") options.runs = n;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

const fileOf = (i: number) => `src/m000/d${String(i).padStart(4, "0")}/f0.txt`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const root = await makeTempDir("boochat-bench-diff-root-");
  const repo = await createRepoFixture({ worktreeRoot: root });
  const sidecar = await startSidecar({ worktreeRoot: root, env: { BOOCHAT_SIDECAR_AUDIT_MAX_BYTES: String(2 ** 40) } });
  try {
    console.log(`diff benchmark: node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
    await generateBigRepo(repo, options.files);
    const dir = await repo.addWorktree("diff-100");
    const committed = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [fileOf(i), `committed change ${i}\n`]));
    await repo.commit(dir, committed, "40 changed files");
    await repo.write(dir, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [fileOf(40 + i), `edited ${i}\n`])));
    await repo.write(dir, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`new/n${i % 5}/deep/u${i}.txt`, `untracked ${i}\n`])));
    const index = path.join(repo.clone, ".git", "worktrees", "diff-100", "index");
    const body = { path: dir, scope: "base" };
    const base = { PATH: process.env.PATH ?? "", HOME: os.homedir() };

    const warm = await requestWithCalls<WorktreeDiff>(sidecar, "/v1/worktrees/diff", body);
    if (warm.body.files.length !== 100) throw new Error(`expected 100 changed files, the diff has ${warm.body.files.length}`);
    await floorOnce(warm.calls, base, snapshotSetup(warm.calls, index));
    const sidecarTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < options.runs; i += 1) {
      const measured = await requestWithCalls<WorktreeDiff>(sidecar, "/v1/worktrees/diff", body);
      sidecarTimes.push(measured.ms);
      floorTimes.push(await floorOnce(measured.calls, base, snapshotSetup(measured.calls, index)));
    }
    const s = median(sidecarTimes);
    const f = median(floorTimes);
    console.log(
      `diff of 100 changed files over ${options.files} files   sidecar ${ms(s)}   floor ${ms(f)}   (${warm.calls.length} git calls, median of ${options.runs}, load ${os.loadavg()[0]?.toFixed(2)})`,
    );
    console.log(`ratio ${(s / f).toFixed(2)}`);
  } finally {
    await sidecar.stop();
    await repo.cleanup();
    await rm(root, { recursive: true, force: true });
  }
}
