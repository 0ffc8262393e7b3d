import { spawn } from "node:child_process";
import { chmod, chown, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar } from "../tests/helpers/sidecar-process";

/**
 * What the sidecar checks before it listens: a worktree root nobody else can tamper with, a private
 * umask, and where its token comes from. A refusal exits non-zero with a message naming the setting.
 */

const isRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65_534, gid: 65_534 };

let base: string;
let repo: RepoFixture;

beforeAll(async () => {
  base = await makeTempDir("boochat-start-up-");
  // Others may pass through, so that a sidecar running as nobody reaches the folders below.
  await chmod(base, 0o755);
  repo = await createRepoFixture();
});

afterAll(async () => {
  await repo?.cleanup();
  if (base) await rm(base, { recursive: true, force: true });
});

async function folder(name: string, mode: number): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(dir);
  await chmod(dir, mode);
  return dir;
}

async function refusal(options: Parameters<typeof startSidecar>[0]): Promise<string> {
  const error = await startSidecar(options).then(
    async (started) => {
      await started.stop();
      return new Error("the sidecar started");
    },
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error("no refusal");
  expect(error.message).toMatch(/^the sidecar exited \(1\) before listening/);
  return error.message;
}

describe("the worktree root", () => {
  it("is <data dir>/worktrees by default, created 0700, and worktrees made there are the sidecar's own (umask 077)", async () => {
    const dataDir = await folder("data-default", 0o700);
    const sidecar = await startSidecar({ dataDir });
    onTestFinished(() => sidecar.stop());
    expect(sidecar.worktreeRoot).toBe(path.join(dataDir, "worktrees"));
    expect((await stat(sidecar.worktreeRoot)).mode & 0o7777).toBe(0o700);
    const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: "umask", repoPath: repo.clone });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((await stat(created.body.path)).mode & 0o077).toBe(0);
    expect((await stat(path.join(created.body.path, "README.md"))).mode & 0o077).toBe(0);
  });

  it("refuses to start on a root that is a symbolic link", async () => {
    const real = await folder("real-root", 0o700);
    const link = path.join(base, "linked-root");
    await symlink(real, link);
    const message = await refusal({ worktreeRoot: link });
    expect(message).toContain(`refusing to start: BOOCHAT_WORKTREE_ROOT (${link}) is a symbolic link`);
  });

  it("refuses to start on a root others may write to", async () => {
    const open = await folder("open-root", 0o777);
    expect(await refusal({ worktreeRoot: open })).toContain(`BOOCHAT_WORKTREE_ROOT (${open}) is not safe to use: others may write to it (mode 777)`);
  });

  it("refuses a group-writable root unless it is setgid and of the sidecar's own group", async () => {
    const plain = await folder("group-root", 0o770);
    expect(await refusal({ worktreeRoot: plain })).toMatch(/its group may write to it \(mode 770\); a group-writable root must be setgid/);
    const shared = await folder("shared-root", 0o2770);
    const sidecar = await startSidecar({ worktreeRoot: shared });
    onTestFinished(() => sidecar.stop());
    // The shared layout: group members work in the worktrees (umask 007), others get nothing.
    const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: "shared", repoPath: repo.clone });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((await stat(created.body.path)).mode & 0o077).toBe(0o070);
  });

  it.skipIf(!isRoot)("refuses to start on a root of another user (as root: a root owned by nobody; needs root to chown)", async () => {
    const theirs = await folder("nobodys-root", 0o700);
    await chown(theirs, NOBODY.uid, NOBODY.gid);
    expect(await refusal({ worktreeRoot: theirs })).toContain(`belongs to user id ${NOBODY.uid}, not to the sidecar's user (id 0)`);
  });

  it.skipIf(!isRoot)("refuses to start on a root of another user (running as nobody: a root owned by root; needs root to switch users)", async () => {
    const roots = await folder("roots-root", 0o755);
    const dataDir = await folder("nobodys-data", 0o700);
    await chown(dataDir, NOBODY.uid, NOBODY.gid);
    const message = await refusal({ worktreeRoot: roots, dataDir, user: NOBODY, env: { HOME: dataDir } });
    expect(message).toContain(`belongs to user id 0, not to the sidecar's user (id ${NOBODY.uid})`);
  });
});

describe("the token", () => {
  it("is read from BOOCHAT_SIDECAR_TOKEN_FILE", async () => {
    const file = path.join(base, "token-file");
    await writeFile(file, "from-a-file\n", { mode: 0o600 });
    const sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot, token: null, env: { BOOCHAT_SIDECAR_TOKEN_FILE: file } });
    onTestFinished(() => sidecar.stop());
    expect(sidecar.token).toBe("from-a-file");
    expect((await sidecar.request("POST", "/v1/worktrees/risk", { paths: [] })).status).toBe(200);
    expect((await sidecar.request("POST", "/v1/worktrees/risk", { paths: [] }, { token: "other" })).status).toBe(401);
  });

  it("is read from the systemd credential $CREDENTIALS_DIRECTORY/sidecar-token", async () => {
    const credentials = await folder("credentials", 0o700);
    await writeFile(path.join(credentials, "sidecar-token"), "from-systemd", { mode: 0o400 });
    const sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot, token: null, env: { CREDENTIALS_DIRECTORY: credentials } });
    onTestFinished(() => sidecar.stop());
    expect(sidecar.token).toBe("from-systemd");
    expect((await sidecar.request("POST", "/v1/worktrees/risk", { paths: [] })).status).toBe(200);
  });

  it("refuses a token file every user may read, an empty one, and two token settings at once", async () => {
    const shared = path.join(base, "world-readable-token");
    await writeFile(shared, "secret\n");
    await chmod(shared, 0o644);
    expect(await refusal({ worktreeRoot: repo.worktreeRoot, token: null, env: { BOOCHAT_SIDECAR_TOKEN_FILE: shared } })).toContain(
      `BOOCHAT_SIDECAR_TOKEN_FILE (${shared}) is readable by every user`,
    );
    const empty = path.join(base, "empty-token");
    await writeFile(empty, "\n", { mode: 0o600 });
    expect(await refusal({ worktreeRoot: repo.worktreeRoot, token: null, env: { BOOCHAT_SIDECAR_TOKEN_FILE: empty } })).toContain("is empty");
    expect(await refusal({ worktreeRoot: repo.worktreeRoot, env: { BOOCHAT_SIDECAR_TOKEN_FILE: empty } })).toContain(
      "set BOOCHAT_SIDECAR_TOKEN or BOOCHAT_SIDECAR_TOKEN_FILE, not both",
    );
  });
});

describe("the audit log", () => {
  it("is rotated at BOOCHAT_SIDECAR_AUDIT_MAX_BYTES, keeping BOOCHAT_SIDECAR_AUDIT_FILES old files", async () => {
    const worktree = await repo.addWorktree("audited");
    const sidecar = await startSidecar({
      worktreeRoot: repo.worktreeRoot,
      env: { BOOCHAT_SIDECAR_AUDIT_MAX_BYTES: "4096", BOOCHAT_SIDECAR_AUDIT_FILES: "2" },
    });
    onTestFinished(() => sidecar.stop());
    for (let i = 0; i < 6; i += 1) expect((await sidecar.request("POST", "/v1/worktrees/risk", { paths: [worktree] })).status).toBe(200);
    const files = [sidecar.auditLogPath, `${sidecar.auditLogPath}.1`, `${sidecar.auditLogPath}.2`];
    for (const file of files) {
      const info = await stat(file);
      expect(info.size).toBeLessThanOrEqual(4096);
      expect(info.mode & 0o777).toBe(0o600);
      for (const line of (await readFile(file, "utf8")).trim().split("\n")) expect(JSON.parse(line)).toHaveProperty("argv");
    }
    await expect(stat(`${sidecar.auditLogPath}.3`)).rejects.toThrow(/ENOENT/);
  });
});

describe("temp folders", () => {
  it("removes at start the temp folders a killed sidecar left, and never those of a sidecar still running", async () => {
    const tempDir = await folder("tmp", 0o700);
    // A pid that ran and has ended: its owner is certainly gone.
    const ended = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ["-e", ""]);
      child.on("error", reject);
      child.on("exit", () => resolve(child.pid ?? 0));
    });
    const left = [`boochat-merge-tree-${ended}-aB3dEf`, `boochat-snapshot-${ended}-x1Y2z3`, `boochat-remote-${ended}-qQ9wW8`];
    const inUse = `boochat-snapshot-${process.pid}-kept12`;
    const notOurs = "boochat-merge-tree-unnamed";
    for (const name of [...left, inUse, notOurs]) await mkdir(path.join(tempDir, name, "objects"), { recursive: true });
    const sidecar = await startSidecar({ worktreeRoot: await folder("root-with-tmp", 0o700), env: { TMPDIR: tempDir } });
    try {
      // (tsx, which runs the sidecar here, keeps its cache there too.)
      expect((await readdir(tempDir)).filter((name) => name.startsWith("boochat-")).sort()).toEqual([inUse, notOurs].sort());
      expect(sidecar.output()).toContain("sidecar: removed 3 temp folder(s) left by a sidecar that was killed");
    } finally {
      await sidecar.stop();
    }
  });
});
