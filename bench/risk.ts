import { rm } from "node:fs/promises";
import os from "node:os";
import { execa } from "execa";
import type { RiskReport } from "../server/schemas/risk-report";
import { hardenedGitEnv, type GitContext } from "../sidecar/git/run";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { floorOnce, generateFiles, median, ms, requestWithCalls, type GitCall } from "./git-floor";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * `npm run bench -- risk [--files=100000] [--runs=15]`: the sidecar's risk check over HTTP against its
 * floor, the same git commands (read from the audit log of that very check) run back to back by a
 * plain loop. Targets: ratio <= 1.2; 100 worktrees of one repository in one request <= 0.35x 100 single requests.
 */

type Options = { files: number; runs: number; keep: boolean };

function parseOptions(args: string[]): Options {
  const options: Options = { files: 100_000, runs: 15, keep: false };
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    if (key === "files" && value) options.files = Number(value);
    else if (key === "runs" && value) options.runs = Number(value);
    else if (key === "keep") options.keep = true;
  }
  return options;
}

type CheckResult = { ms: number; reports: RiskReport[]; calls: GitCall[] };

/** One HTTP check; returns its time, the report and the git calls it ran (argv and the variables beside PATH and HOME). */
async function checkOnce(sidecar: SidecarProcess, paths: string[]): Promise<CheckResult> {
  const { ms: took, body, calls } = await requestWithCalls<{ reports: RiskReport[] }>(sidecar, "/v1/worktrees/risk", { paths });
  return { ms: took, reports: body.reports, calls };
}

const floorOf = (calls: GitCall[], env: Record<string, string>) => floorOnce(calls, { PATH: env.PATH ?? "", HOME: env.HOME ?? "" });

async function measure(label: string, sidecar: SidecarProcess, dir: string, env: Record<string, string>, runs: number) {
  // Warm the page cache and the sidecar's code paths.
  const warm = await checkOnce(sidecar, [dir]);
  await floorOf(warm.calls, env);
  const sidecarTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const check = await checkOnce(sidecar, [dir]);
    sidecarTimes.push(check.ms);
    floorTimes.push(await floorOf(check.calls, env));
  }
  const s = median(sidecarTimes);
  const f = median(floorTimes);
  console.log(
    `${label.padEnd(28)} sidecar ${ms(s).padStart(10)}   floor ${ms(f).padStart(10)}   ratio ${(s / f).toFixed(2)}   (${warm.calls.length} git calls, status ${warm.reports[0]?.status ?? "?"}, median of ${runs})`,
  );
  return { sidecar: s, floor: f, ratio: s / f };
}

/**
 * 100 worktrees of one repository (fresh from main, three with a commit of their own) checked in one
 * request against 100 single-worktree requests in a row; prints `100 worktrees <one> ms <hundred> ms`
 * and returns the ratio (target <= 0.35).
 */
async function measureBatch(repo: RepoFixture, sidecar: SidecarProcess, runs: number): Promise<number> {
  const many: string[] = [];
  for (let i = 0; i < 100; i += 1) many.push(await repo.addWorktree(`many-${i}`));
  for (const dir of many.slice(0, 3)) await repo.commit(dir, { [`${dir.length}.txt`]: "own\n" }, "a commit of its own");
  await checkOnce(sidecar, many);
  const oneRequest: number[] = [];
  const singleRequests: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    oneRequest.push((await checkOnce(sidecar, many)).ms);
    let total = 0;
    for (const dir of many) total += (await checkOnce(sidecar, [dir])).ms;
    singleRequests.push(total);
  }
  const one = median(oneRequest);
  const hundred = median(singleRequests);
  console.log(`100 worktrees of one repository: one request ${ms(one)}, 100 single requests in a row ${ms(hundred)} (ratio ${(one / hundred).toFixed(2)}, median of ${runs})`);
  return one / hundred;
}

export async function generateBigRepo(repo: RepoFixture, files: number): Promise<void> {
  const started = performance.now();
  await generateFiles(repo.clone, files);
  await repo.git(repo.clone, ["add", "-A"]);
  await repo.git(repo.clone, ["commit", "-q", "-m", `${files} generated files`]);
  await repo.git(repo.clone, ["push", "-q", "origin", repo.defaultBranch]);
  console.log(`generated and pushed ${files} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const root = await makeTempDir("boochat-bench-root-");
  const small = await createRepoFixture({ worktreeRoot: root });
  const big = await createRepoFixture({ worktreeRoot: root });
  // Never rotated during the run: each check reads its own lines back from the log by offset.
  const sidecar = await startSidecar({ worktreeRoot: root, env: { BOOCHAT_SIDECAR_AUDIT_MAX_BYTES: String(2 ** 40) } });
  try {
    console.log(`risk check benchmark: node ${process.version}, ${os.cpus().length} cpus, git ${(await execa("git", ["--version"])).stdout.replace("git version ", "")}`);
    const ctx: GitContext = { exec: async () => Promise.reject(new Error("unused")), worktreeRoot: root, timeoutMs: 60_000, basePath: process.env.PATH ?? "", home: os.homedir(), tempDir: os.tmpdir() };
    const env = hardenedGitEnv(ctx);

    await small.commit(small.clone, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`src/file${i}.ts`, `export const n${i} = ${i};\n`])), "small app");
    await small.git(small.clone, ["push", "-q", "origin", "main"]);
    const smallClean = await small.addWorktree("small-clean");
    const smallDirty = await small.addWorktree("small-dirty");
    await small.commit(smallDirty, { "feature.ts": "export {};\n" }, "feature");
    await small.write(smallDirty, { "wip.ts": "// wip\n", "src/file1.ts": "changed\n" });

    await generateBigRepo(big, options.files);
    const bigStart = performance.now();
    const bigClean = await big.addWorktree("big-clean");
    console.log(`checked out a ${options.files}-file worktree in ${((performance.now() - bigStart) / 1000).toFixed(1)} s`);

    const results = {
      smallClean: await measure("small repo, clean", sidecar, smallClean, env, options.runs),
      smallDirty: await measure("small repo, at risk", sidecar, smallDirty, env, options.runs),
      bigClean: await measure(`${options.files} files, clean`, sidecar, bigClean, env, Math.max(5, Math.round(options.runs / 2))),
    };

    const batch = await measureBatch(small, sidecar, Math.max(3, Math.round(options.runs / 3)));
    const worst = Math.max(results.smallClean.ratio, results.smallDirty.ratio, results.bigClean.ratio);
    console.log(
      `targets: each check <= 1.2x its floor: ${worst <= 1.2 ? "met" : "NOT met"} (worst ${worst.toFixed(2)}); 100 in one request <= 0.35x 100 requests: ${batch <= 0.35 ? "met" : "NOT met"} (${batch.toFixed(2)}); load ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}`,
    );
  } finally {
    await sidecar.stop();
    if (!options.keep) {
      await Promise.all([small.cleanup(), big.cleanup()]);
      await rm(root, { recursive: true, force: true });
    }
  }
}
