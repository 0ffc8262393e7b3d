import fs from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pidWithEnv } from "../../drills/lib/processes";
import { createSidecarClient } from "../../server/sidecar-client";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

// Found by the concurrency drill under load (issue 19): a delete whose remove waited in the sidecar
// longer than the risk timeout was answered "Nothing was deleted ... could not run", yet the sidecar
// went on and removed the clean worktree once its turn came. The session stayed with a worktree that
// was gone: no serial order of the calls leaves that. The sidecar now gives up a remove whose caller
// stopped waiting (the connection closed) before git removes anything.

let fixture: RepoFixture;
let sidecar: SidecarProcess;
let testDb: TestDb;

beforeAll(async () => {
  fixture = await createRepoFixture();
  sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
  testDb = await createTestDb();
});
afterAll(async () => {
  await sidecar?.stop();
  await fixture?.cleanup();
  await testDb?.cleanup();
});

it("a remove the app stopped waiting for (risk timeout) does not remove the worktree later", async () => {
  const pid = pidWithEnv("BOOCHAT_DATA_DIR", sidecar.dataDir);
  expect(pid).not.toBeNull();
  const caller = callerFor(testDb.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), riskTimeoutMs: 500 });
  const session = await caller.session.create({ title: "clean, asked to go while the sidecar is stopped", repoPath: fixture.clone });
  const other = await caller.session.create({ title: "another worktree of the repository", repoPath: fixture.clone });
  const dir = session.worktree?.path ?? "";
  // Stopped, the sidecar cannot answer in time; its kernel still takes the request.
  process.kill(pid ?? 0, "SIGSTOP");
  let refused;
  try {
    refused = await trpcError(caller.session.delete({ id: session.id }));
  } finally {
    process.kill(pid ?? 0, "SIGCONT");
  }
  expect(refused.code).toBe("CONFLICT");
  // A stash through the same repository lock returns once the remove queued ahead of it is done.
  const drained = await sidecar.request("POST", "/v1/worktrees/stash", { path: other.worktree?.path, message: "after the remove" });
  expect(drained.status).toBe(200);
  expect(fs.existsSync(dir)).toBe(true);
  expect(await fixture.git(fixture.clone, ["worktree", "list", "--porcelain"])).toContain(`worktree ${dir}\n`);
  expect(await testDb.db.session.findUnique({ where: { id: session.id } })).not.toBeNull();
  // And the next delete, with the sidecar answering, goes through (given the usual time: 0.5 s was
  // for the stopped sidecar above, and a loaded machine can take longer for a whole remove).
  const patient = callerFor(testDb.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), riskTimeoutMs: 10_000 });
  await expect(patient.session.delete({ id: session.id })).resolves.toMatchObject({ deleted: true });
  expect(fs.existsSync(dir)).toBe(false);
});
