import { afterAll, beforeAll, expect, it } from "vitest";
import { GitError } from "../../sidecar/git/run";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

/**
 * Found by the disk-full drill (issue 19), kept here without a tmpfs so it runs wherever mounting is
 * refused: a full disk answered INTERNAL_SERVER_ERROR ("Internal error") from the database, and a
 * stash whose git ran out of space answered CONFLICT with git's own words ("write error. Out of
 * diskspace"), as if the worktree's state refused it.
 */
let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

it("a database that cannot grow (SQLite's SQLITE_FULL, as on a full disk) answers SERVICE_UNAVAILABLE saying the disk is full", async () => {
  const caller = callerFor(testDb.db);
  const session = await caller.session.create({ title: "before the disk filled" });
  // SQLite answers SQLITE_FULL ("database or disk is full") when a write needs a page past max_page_count.
  const [row] = await testDb.db.$queryRawUnsafe<Array<{ page_count: bigint }>>("PRAGMA page_count");
  const pages = row?.page_count ?? 0n;
  await testDb.db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages)}`);
  let failure: unknown = null;
  for (let i = 0; i < 500 && !failure; i += 1) {
    failure = await caller.chat.create({ sessionId: session.id }).then(
      () => null,
      (e: unknown) => e ?? new Error("rejected without a reason"),
    );
  }
  const error = await trpcError(Promise.reject(failure));
  expect(error.code).toBe("SERVICE_UNAVAILABLE");
  expect(error.message).toMatch(/disk is full/);
  await testDb.db.$queryRawUnsafe("PRAGMA max_page_count = 1073741823");
  await expect(caller.chat.create({ sessionId: session.id })).resolves.toBeTruthy();
});

it("git's words for a full disk make a GitError the sidecar answers 507 (disk-full), not 409", () => {
  // stderr as git 2.x wrote it on the drill's full tmpfs, and the plain ENOSPC wording.
  for (const stderr of [
    "fatal: sha1 file '/tmp/x/clone/.git/worktrees/w/index.lock' write error. Out of diskspace\n",
    "error: unable to write file .git/objects/ab/cdef: No space left on device\nfatal: unable to write new index file\n",
  ]) {
    const error = new GitError(["stash", "push"], { stdout: "", stderr, exitCode: 128, timedOut: false, stopped: false, ms: 3 });
    expect(error.diskFull).toBe(true);
    expect(error.message).toMatch(/^git stash push failed: the disk is full \(no space left on device\)/);
  }
  const other = new GitError(["stash", "push"], { stdout: "", stderr: "fatal: not a git repository\n", exitCode: 128, timedOut: false, stopped: false, ms: 3 });
  expect(other.diskFull).toBe(false);
});
