import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeTempDir } from "../helpers/git-repos";

/**
 * host/boochat-host.service judged by systemd's own tools, as sidecar/systemd-unit.test.ts judges the
 * sidecar's. Without `systemd-analyze` these tests fail (they never pass by skipping).
 */

const UNIT = path.join(import.meta.dirname, "..", "..", "host", "boochat-host.service");
const MAX_EXPOSURE = 2.0;

async function systemdAnalyze(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa("systemd-analyze", args, { reject: false, env: { SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" } });
  if (typeof result.exitCode !== "number") {
    throw new Error("systemd-analyze is missing: install it with `apt-get install -y systemd` (Debian's systemd package), then run the tests again");
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** `verify` wants ExecStart's program to exist: a copy with /usr/bin/node pointed at this node, every other line as shipped. */
async function unitWithThisNode(): Promise<string> {
  const lines = (await readFile(UNIT, "utf8")).split("\n");
  const rewritten = lines.map((line) => line.replace(/^ExecStart=\/usr\/bin\/node /, `ExecStart=${process.execPath} `));
  const changed = rewritten.filter((line, index) => line !== lines[index]);
  expect(changed).toEqual(process.execPath === "/usr/bin/node" ? [] : [expect.stringMatching(/^ExecStart=/)]);
  const dir = await makeTempDir("boochat-host-unit-");
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const copy = path.join(dir, "boochat-host.service");
  await writeFile(copy, rewritten.join("\n"));
  return copy;
}

describe("host/boochat-host.service", () => {
  it("passes systemd-analyze verify", async () => {
    const result = await systemdAnalyze(["verify", await unitWithThisNode()]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it(`has an overall exposure level of at most ${MAX_EXPOSURE.toFixed(1)} by systemd-analyze security`, async () => {
    const result = await systemdAnalyze(["security", "--offline=true", "--no-pager", UNIT]);
    const level = /Overall exposure level for boochat-host\.service: (\d+\.\d+)/.exec(result.stdout)?.[1];
    expect(level, result.stdout + result.stderr).toBeDefined();
    expect(Number(level)).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it("starts host/main.ts, takes the token from a root-only environment file and makes the folders it writes to", async () => {
    const text = await readFile(UNIT, "utf8");
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node --import tsx \/opt\/boochat\/host\/main\.ts$/m);
    expect(text).toMatch(/^EnvironmentFile=\/etc\/boochat\/host\.env$/m);
    expect(text).not.toMatch(/BOOCHAT_HOST_TOKEN=/);
    expect(text).toMatch(/^StateDirectory=boochat-host boochat-host\/worktrees$/m);
    expect(text).toMatch(/^Environment=BOOCHAT_DATA_DIR=%S\/boochat-host$/m);
    expect(text).toMatch(/^Environment=TMPDIR=%t\/boochat-host$/m);
    expect(text).toMatch(/^RuntimeDirectory=boochat-host$/m);
    expect(text).toMatch(/^NoNewPrivileges=yes$/m);
    expect(text).toMatch(/^ProtectSystem=strict$/m);
  });
});
