import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { systemdAnalyze, unitWithThisNode } from "../tests/helpers/systemd-unit";
import { CREDENTIAL_NAME } from "./token";

/**
 * The systemd unit is judged by systemd's own tools, not by a reader. `systemd-analyze` comes with
 * Debian's `systemd` package; without it these tests fail (they never pass by skipping).
 */

const UNIT = path.join(import.meta.dirname, "boochat-sidecar.service");
const MAX_EXPOSURE = 2.0;

describe("sidecar/boochat-sidecar.service", () => {
  it("passes systemd-analyze verify", async () => {
    const result = await systemdAnalyze(["verify", await unitWithThisNode(UNIT)]);
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
