import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { systemdAnalyze, unitWithThisNode } from "../helpers/systemd-unit";

/**
 * host/boochat-host.service judged by systemd's own tools, as sidecar/systemd-unit.test.ts judges the
 * sidecar's. Without `systemd-analyze` these tests fail (they never pass by skipping).
 */

const UNIT = path.join(import.meta.dirname, "..", "..", "host", "boochat-host.service");
const MAX_EXPOSURE = 2.0;

describe("host/boochat-host.service", () => {
  it("passes systemd-analyze verify", async () => {
    const result = await systemdAnalyze(["verify", await unitWithThisNode(UNIT)]);
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
