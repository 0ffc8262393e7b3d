import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { expect, onTestFinished } from "vitest";
import { makeTempDir } from "./git-repos";

/**
 * systemd's own tools, for the tests that judge BooChat's units (the sidecar's, the host service's).
 * `systemd-analyze` comes with Debian's `systemd` package; without it those tests fail (they never
 * pass by skipping).
 */
export async function systemdAnalyze(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa("systemd-analyze", args, { reject: false, env: { SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" } });
  if (typeof result.exitCode !== "number") {
    throw new Error("systemd-analyze is missing: install it with `apt-get install -y systemd` (Debian's systemd package), then run the tests again");
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `verify` insists that ExecStart's program exists; /usr/bin/node is where a unit expects node on a
 * host, not necessarily where it is here. A copy with that one path pointed at the node running the
 * tests is verified; every other line is the unit as shipped.
 */
export async function unitWithThisNode(unit: string): Promise<string> {
  const lines = (await readFile(unit, "utf8")).split("\n");
  const rewritten = lines.map((line) => line.replace(/^ExecStart=\/usr\/bin\/node /, `ExecStart=${process.execPath} `));
  const changed = rewritten.filter((line, index) => line !== lines[index]);
  expect(changed).toEqual(process.execPath === "/usr/bin/node" ? [] : [expect.stringMatching(/^ExecStart=/)]);
  const dir = await makeTempDir("boochat-unit-");
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const copy = path.join(dir, path.basename(unit));
  await writeFile(copy, rewritten.join("\n"));
  return copy;
}
