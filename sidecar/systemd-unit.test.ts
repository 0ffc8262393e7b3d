import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeTempDir } from "../tests/helpers/git-repos";
import { CREDENTIAL_NAME } from "./token";

/**
 * The systemd unit is judged by systemd's own tools, not by a reader. `systemd-analyze` comes with
 * Debian's `systemd` package; without it these tests fail (they never pass by skipping).
 */

const UNIT = path.join(import.meta.dirname, "boochat-sidecar.service");
const MAX_EXPOSURE = 2.0;

async function systemdAnalyze(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa("systemd-analyze", args, { reject: false, env: { SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" } });
  if (typeof result.exitCode !== "number") {
    throw new Error("systemd-analyze is missing: install it with `apt-get install -y systemd` (Debian's systemd package), then run the tests again");
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `verify` insists that ExecStart's program exists; /usr/bin/node is where the unit expects node on a
 * host, not necessarily where it is here. A copy with that one path pointed at the node running these
 * tests is verified; every other line is the unit as shipped.
 */
async function unitWithThisNode(): Promise<string> {
  const lines = (await readFile(UNIT, "utf8")).split("\n");
  const rewritten = lines.map((line) => line.replace(/^ExecStart=\/usr\/bin\/node /, `ExecStart=${process.execPath} `));
  const changed = rewritten.filter((line, index) => line !== lines[index]);
  expect(changed).toEqual(process.execPath === "/usr/bin/node" ? [] : [expect.stringMatching(/^ExecStart=/)]);
  const dir = await makeTempDir("boochat-unit-");
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const copy = path.join(dir, "boochat-sidecar.service");
  await writeFile(copy, rewritten.join("\n"));
  return copy;
}

describe("sidecar/boochat-sidecar.service", () => {
  it("passes systemd-analyze verify", async () => {
    const result = await systemdAnalyze(["verify", await unitWithThisNode()]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it(`has an overall exposure level of at most ${MAX_EXPOSURE.toFixed(1)} by systemd-analyze security`, async () => {
    const result = await systemdAnalyze(["security", "--offline=true", "--no-pager", UNIT]);
    const level = /Overall exposure level for boochat-sidecar\.service: (\d+\.\d+)/.exec(result.stdout)?.[1];
    expect(level, result.stdout + result.stderr).toBeDefined();
    expect(Number(level)).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it("hands over the token as a credential and makes the folders the sidecar writes to", async () => {
    const text = await readFile(UNIT, "utf8");
    expect(text).toMatch(new RegExp(`^LoadCredential=${CREDENTIAL_NAME}:/etc/boochat/sidecar-token$`, "m"));
    expect(text).not.toMatch(/BOOCHAT_SIDECAR_TOKEN=/);
    expect(text).toMatch(/^StateDirectory=boochat boochat\/worktrees$/m);
    expect(text).toMatch(/^Environment=TMPDIR=%t\/boochat-sidecar$/m);
    expect(text).toMatch(/^RuntimeDirectory=boochat-sidecar$/m);
  });
});
