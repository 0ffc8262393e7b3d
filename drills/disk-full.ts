import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { execa } from "execa";
import { createDb } from "../server/db";
import { createSidecarClient } from "../server/sidecar-client";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { callerFor } from "../tests/helpers/trpc-caller";
import { problemList, type DrillFigures } from "./lib/report";

/** A small tmpfs mounted for the drill, or why it could not be (mounting needs root and may be refused). */
export async function mountTmpfs(sizeKb: number): Promise<{ dir: string; unmount(): Promise<void> } | { refused: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-drill-tmpfs-"));
  const result = await execa("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k,mode=0700`, "tmpfs", dir], { reject: false, all: true });
  if (result.exitCode !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { refused: `mounting a tmpfs was refused here (${(result.all ?? String(result.exitCode)).trim() || `exit ${result.exitCode}`}): the disk-full drill needs root and a mount namespace that allows it` };
  }
  return {
    dir,
    async unmount() {
      await execa("umount", ["-l", dir], { reject: false });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path (delete it to free the space). */
function fillUp(dir: string): string {
  const filler = path.join(dir, `filler-${randomBytes(4).toString("hex")}`);
  const fd = fs.openSync(filler, "w");
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  try {
    for (let size = chunk.length; size >= 1; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          fs.writeSync(fd, chunk, 0, size);
        } catch {
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

type Outcome = { ok: true } | { ok: false; code: string; message: string };

async function outcomeOf(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    if (error instanceof TRPCError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "THROWN", message: error instanceof Error ? error.message : String(error) };
  }
}

/** An error a user can act on: a code other than an internal error, and words that say the disk is full. */
function unclear(outcome: Outcome): string | null {
  if (outcome.ok) return null;
  if (outcome.code === "INTERNAL_SERVER_ERROR" || outcome.code === "THROWN") return `${outcome.code}: ${outcome.message}`;
  if (!/no space|disk is full|disk full/i.test(outcome.message)) return `${outcome.code} without saying the disk is full: ${outcome.message}`;
  return null;
}

/**
 * Disk full during a stash and during the database write of a delete, on a small tmpfs:
 * - stash with the repository on a full disk (the sidecar's own data folder elsewhere, then on the
 *   full disk too): a clear error, the work still in the worktree, no stash entry half made; once
 *   space is freed the same stash works;
 * - a delete whose database lives on a full disk: a clear error (not "Internal error"), the session
 *   still there, and no work lost; once space is freed the database passes SQLite's checks and the
 *   delete goes through (Force, if the worktree went before the write failed).
 */
export async function diskFullDrill(options: { templateDatabase: string; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const mounted = await mountTmpfs(16 * 1024);
  if ("refused" in mounted) return { drill: "disk full", requests: 0, faults: 0, problems: [], skipped: mounted.refused, ms: Date.now() - started };
  const problems = problemList();
  let requests = 0;
  let faults = 0;
  const cleanups: Array<() => Promise<void>> = [async () => mounted.unmount()];
  try {
    // The repository, its origin and the worktree root on the tmpfs.
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = mounted.dir;
    let fixture: RepoFixture;
    try {
      fixture = await createRepoFixture();
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    cleanups.unshift(() => fixture.cleanup());
    const sidecarData = path.join(mounted.dir, "sidecar-data");
    const sidecars: Array<{ name: string; sidecar: SidecarProcess }> = [];
    for (const [name, dataDir] of [
      ["its data folder elsewhere", undefined],
      ["its audit log on the full disk too", sidecarData],
    ] as const) {
      if (dataDir) fs.mkdirSync(dataDir, { mode: 0o700 });
      const sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, dataDir, env: { HOME: fixture.home, TMPDIR: os.tmpdir() } });
      cleanups.unshift(() => sidecar.stop());
      sidecars.push({ name, sidecar });
    }
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-drill-db-"));
    cleanups.unshift(async () => fs.rmSync(dbDir, { recursive: true, force: true }));
    const stashDbFile = path.join(dbDir, "stash.db");
    fs.copyFileSync(options.templateDatabase, stashDbFile);
    const stashDb = createDb(`file:${stashDbFile}`);
    cleanups.unshift(() => stashDb.$disconnect());

    for (const { name, sidecar } of sidecars) {
      const caller = callerFor(stashDb, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }) });
      const session = await caller.session.create({ title: `stash on a full disk, ${name}`, repoPath: fixture.clone });
      const dir = session.worktree?.path ?? "";
      // Incompressible, so git cannot store it in what little room a full disk leaves.
      const work = { "data/blob.txt": randomBytes(400 * 1024).toString("base64"), "README.md": "# fixture\n\nedited before the disk filled\n" };
      await fixture.write(dir, work);
      const stashBefore = await fixture.git(fixture.clone, ["rev-parse", "-q", "--verify", "refs/stash"], { allowFailure: true });
      const filler = fillUp(mounted.dir);
      faults += 1;
      requests += 1;
      const full = await outcomeOf(caller.worktree.stash({ sessionId: session.id }));
      const stashAfter = await fixture.git(fixture.clone, ["rev-parse", "-q", "--verify", "refs/stash"], { allowFailure: true });
      fs.rmSync(filler);
      options.log?.(`stash on a full disk (${name}): ${full.ok ? "stashed" : `${full.code}: ${full.message}`}`);
      if (full.ok) problems.add(`stash on a full disk (${name}) answered success`);
      const why = unclear(full);
      if (why) problems.add(`stash on a full disk (${name}): not a clear error: ${why}`);
      if (stashAfter !== stashBefore) problems.add(`stash on a full disk (${name}) left a stash entry although it failed`);
      for (const [file, content] of Object.entries(work)) if (readOrNull(path.join(dir, file)) !== content) problems.add(`stash on a full disk (${name}): ${file} is not in the worktree any more`);
      if ((await sidecar.request("GET", "/healthz")).status !== 200) problems.add(`the sidecar (${name}) does not answer after the disk filled`);
      requests += 1;
      const freed = await outcomeOf(caller.worktree.stash({ sessionId: session.id }));
      if (!freed.ok) problems.add(`stash after space was freed (${name}) failed: ${freed.code}: ${freed.message}`);
    }

    // The database on the tmpfs: the delete's write meets a full disk.
    const dbFile = path.join(mounted.dir, "boochat.db");
    fs.copyFileSync(options.templateDatabase, dbFile);
    const db = createDb(`file:${dbFile}`);
    cleanups.unshift(() => db.$disconnect());
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    const caller = callerFor(db, { sidecar: createSidecarClient({ url: sidecars[0]?.sidecar.url ?? "", token: sidecars[0]?.sidecar.token ?? "" }), riskTimeoutMs: 10_000 });
    const chatOnly = await caller.session.create({ title: "chat only, full disk" });
    const clean = await caller.session.create({ title: "clean, full disk", repoPath: fixture.clone });
    const dirty = await caller.session.create({ title: "dirty, full disk", repoPath: fixture.clone });
    const dirtyPath = dirty.worktree?.path ?? "";
    fs.writeFileSync(path.join(dirtyPath, "wip.md"), "work in progress\n");
    // Many rows: the delete's write has pages to touch.
    for (let i = 0; i < 30; i += 1) await caller.chat.create({ sessionId: chatOnly.id });
    const filler = fillUp(mounted.dir);
    faults += 1;
    const results = new Map<string, Outcome>();
    for (const session of [chatOnly, clean, dirty]) {
      requests += 1;
      results.set(session.title, await outcomeOf(caller.session.delete({ id: session.id })));
    }
    fs.rmSync(filler);
    for (const [title, outcome] of results) {
      options.log?.(`delete with the database on a full disk (${title}): ${outcome.ok ? "deleted" : `${outcome.code}: ${outcome.message}`}`);
      if (title.startsWith("dirty")) {
        if (outcome.ok || outcome.code !== "CONFLICT") problems.add(`the dirty session's delete on a full disk answered ${outcome.ok ? "success" : outcome.code}`);
        continue;
      }
      const why = unclear(outcome);
      if (why) problems.add(`delete with the database on a full disk (${title}): not a clear error: ${why}`);
    }
    if (readOrNull(path.join(dirtyPath, "wip.md")) !== "work in progress\n") problems.add("the dirty worktree's work is lost");
    const integrity = await db.$queryRawUnsafe<Array<{ integrity_check: string }>>("PRAGMA integrity_check");
    if (integrity[0]?.integrity_check !== "ok") problems.add(`integrity_check after the disk filled: ${JSON.stringify(integrity)}`);
    for (const session of [chatOnly, clean]) {
      if (!(await db.session.findUnique({ where: { id: session.id } }))) continue;
      requests += 1;
      const again = await outcomeOf(caller.session.delete({ id: session.id }));
      if (!again.ok) {
        // The clean worktree may have gone before the write failed: the gate says unverified, Force clears it.
        const forced = await outcomeOf(caller.session.delete({ id: session.id, force: true }));
        if (!forced.ok) problems.add(`deleting "${session.title}" after space was freed failed, Force too: ${forced.code}: ${forced.message}`);
      }
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
  return { drill: "disk full", requests, faults, problems: problems.list(), ms: Date.now() - started };
}
