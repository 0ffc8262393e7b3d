import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { isAlive } from "../../drills/lib/processes";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");

/**
 * Found when a whole `.ci/run` vanished in the middle of the sidecar-kill drill (issue 19): the drill
 * killed the process groups of everything below the sidecar, and tsx's esbuild, a child in the
 * sidecar's own group, shares the group of the test run; so the drill SIGKILLed vitest, Playwright and
 * npm test around it. killHard now kills only groups led by a process below the one it kills.
 */
it("killHard takes the killed process's children with it but never the group of whoever called it", async () => {
  // The harness leads a group of its own: a killHard that signals its caller's group kills the harness alone.
  const harness = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "drills", "child", "kill-hard.ts")], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  harness.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  harness.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => harness.once("exit", (code, signal) => resolve({ code, signal })));
  expect(exit, output).toEqual({ code: 0, signal: null });
  const match = /survived (\[.*\])/.exec(output);
  expect(match, output).not.toBeNull();
  const children = JSON.parse(match?.[1] ?? "[]") as number[];
  expect(children).toHaveLength(2);
  expect(children.filter(isAlive)).toEqual([]);
});
