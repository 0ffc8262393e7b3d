import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { exists, makeUserRepo } from "../tests/helpers/git-workdir";
import { e2eSettings, expect, submitNewSession, test } from "./fixtures";
import { SLOW_MARKER } from "./support/scripted-model-script";
import { deleteSessionConfirmed, forceConfirmed, notification } from "./ui-helpers";

// Real repositories, a real sidecar, the built app: a session with a worktree is created through
// the UI, work is put at risk on disk, and the block dialog must protect it.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
let repo: Repo;

test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

const screenshotsWanted = process.env.BOOCHAT_UPDATE_SCREENSHOTS === "1";

async function createWorktreeSession(page: Page, title: string) {
  await page.goto("/");
  await submitNewSession(page, { title, repoPath: repo.repo });
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  const worktreePath = (await page.getByLabel("Worktree path").textContent()) ?? "";
  expect(worktreePath.startsWith(await fs.realpath(e2eSettings.worktreeRoot))).toBe(true);
  return worktreePath;
}

function sessionItem(page: Page, title: string) {
  return page.getByRole("navigation", { name: "Sessions" }).getByRole("listitem", { name: title });
}

async function askToDelete(page: Page, title: string) {
  // The delete is confirmed once first (issue 15); the gate's answer follows.
  const dialog = await deleteSessionConfirmed(page, title, sessionItem(page, title));
  await expect(dialog).toBeVisible();
  return dialog;
}

test("Cancel changes nothing", async ({ page, db }) => {
  const wt = await createWorktreeSession(page, "Cancel keeps all");
  await fs.writeFile(path.join(wt, "notes.md"), "keep\n");
  const dialog = await askToDelete(page, "Cancel keeps all");
  await expect(dialog).toContainText("notes.md");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(sessionItem(page, "Cancel keeps all")).toBeVisible();
  expect(await fs.readFile(path.join(wt, "notes.md"), "utf8")).toBe("keep\n");
  expect(await db.session.count({ where: { title: "Cancel keeps all" } })).toBe(1);
});

test("Commit routes to the session's commit flow without committing", async ({ page }) => {
  const wt = await createWorktreeSession(page, "Commit flow");
  await fs.writeFile(path.join(wt, "feature.ts"), "export const x = 1;\n");
  const headBefore = await repo.git(wt, "rev-parse", "HEAD");
  const dialog = await askToDelete(page, "Commit flow");
  await expect(dialog.getByRole("heading", { name: "This session has work that would be lost" })).toBeVisible();
  await expect(dialog).toContainText("1 uncommitted change");
  await expect(dialog).toContainText("feature.ts");
  await expect(dialog).toContainText(`keeps the worktree on disk at ${wt}`);
  for (const name of ["Commit", "Stash", "Force", "Cancel"]) await expect(dialog.getByRole("button", { name, exact: true })).toBeVisible();
  if (screenshotsWanted) await page.screenshot({ path: "docs/images/block-dialog-at-risk.png" });

  await dialog.getByRole("button", { name: "Commit", exact: true }).click();
  await expect(page).toHaveURL(/\/sessions\/[^/?]+\?commit=1$/);
  const panel = page.getByRole("region", { name: "Commit your changes" });
  await expect(panel).toContainText("feature.ts");
  expect(await repo.git(wt, "rev-parse", "HEAD")).toBe(headBefore);
  expect(await repo.git(wt, "status", "--porcelain")).toContain("?? feature.ts");

  // Only when the user writes a message and asks does the commit happen.
  await panel.getByLabel("Commit message").fill("add the feature");
  await panel.getByRole("button", { name: "Commit 1 change" }).click();
  await expect(panel.getByRole("status")).toContainText("Committed");
  expect(await repo.git(wt, "log", "-1", "--format=%s")).toBe("add the feature");
  await expect(panel).toContainText("1 unpushed commit");
});

test("Stash lets the delete go on when nothing else blocks", async ({ page, db }) => {
  const wt = await createWorktreeSession(page, "Stash then delete");
  await fs.writeFile(path.join(wt, "scratch.txt"), "scratch\n");
  const dialog = await askToDelete(page, "Stash then delete");
  await dialog.getByRole("button", { name: "Stash" }).click();
  await expect(dialog).toBeHidden();
  await expect(sessionItem(page, "Stash then delete")).toHaveCount(0);
  expect(await exists(wt)).toBe(false);
  expect(await repo.git(repo.repo, "stash", "list")).toContain("boochat: Stash then delete");
  expect(await db.session.count({ where: { title: "Stash then delete" } })).toBe(0);
  // And the app says where the work went.
  await expect(notification(page, "stash@{0}")).toContainText(`Stashed 1 change in stash@{0} of ${repo.repo}`);
});

test("Stash keeps the dialog open when commits still block, and says so", async ({ page }) => {
  const wt = await createWorktreeSession(page, "Stash then re-block");
  for (const n of [1, 2]) {
    await fs.writeFile(path.join(wt, `c${n}.txt`), `${n}\n`);
    await repo.git(wt, "add", `c${n}.txt`);
    await repo.git(wt, "commit", "-q", "-m", `local commit ${n}`);
  }
  await fs.writeFile(path.join(wt, "loose.txt"), "loose\n");
  const dialog = await askToDelete(page, "Stash then re-block");
  await expect(dialog).toContainText("local commit 2");
  await dialog.getByRole("button", { name: "Stash" }).click();
  // One server step (session.stashAndDelete): it says what it stashed, where, and what still blocks.
  await expect(dialog.getByRole("status")).toHaveText(new RegExp(`^Stashed ${wt.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} as stash@\\{0\\} \\([0-9a-f]{8}\\); the session was not deleted: still at risk: 2 unpushed commits$`));
  await expect(dialog).not.toContainText("loose.txt");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(sessionItem(page, "Stash then re-block")).toBeVisible();
  expect(await exists(wt)).toBe(true);
  expect(await repo.git(wt, "stash", "list")).toContain("boochat: Stash then re-block");
});

test("Force deletes the session and lists the kept worktree under Orphaned worktrees", async ({ page, db }) => {
  const wt = await createWorktreeSession(page, "Force it");
  await fs.writeFile(path.join(wt, "precious.txt"), "precious\n");
  const dialog = await askToDelete(page, "Force it");
  await forceConfirmed(page, dialog);
  await expect(dialog).toBeHidden();
  await expect(notification(page, "Force it")).toContainText(`Its worktree ${wt}`);
  await expect(notification(page, "Force it")).toContainText("was kept with all its files, listed under “Orphaned worktrees”");
  await expect(sessionItem(page, "Force it")).toHaveCount(0);
  const orphans = page.getByRole("region", { name: "Orphaned worktrees" });
  await expect(orphans.getByRole("listitem", { name: wt })).toBeVisible();
  expect(await fs.readFile(path.join(wt, "precious.txt"), "utf8")).toBe("precious\n");
  expect(await db.worktree.count({ where: { path: wt, sessionId: null, removedAt: null } })).toBe(1);

  // The orphan's read-only view shows what it holds.
  await orphans.getByRole("listitem", { name: wt }).getByRole("button", { name: "Open" }).click();
  await expect(page.getByRole("dialog", { name: "Orphaned worktree" })).toContainText("precious.txt");
});

test("a hung sidecar gives the could-not-verify dialog with only Cancel and Force", async ({ page, db }) => {
  const wt = await createWorktreeSession(page, "Sidecar down");
  // Work on disk: the stopped sidecar answers the queued request once it resumes, and must refuse it.
  await fs.writeFile(path.join(wt, "unsaved.txt"), "unsaved\n");
  const pgid = Number((await fs.readFile(path.join(e2eSettings.dataDir, "sidecar.pid"), "utf8")).trim());
  expect(pgid).toBeGreaterThan(1);
  process.kill(-pgid, "SIGSTOP");
  try {
    const dialog = await askToDelete(page, "Sidecar down");
    await expect(dialog.getByRole("heading", { name: "Could not check the worktree" })).toBeVisible();
    await expect(dialog).toContainText("did not answer within 2 s");
    await expect(dialog.getByRole("button")).toHaveText(["Cancel", "Force"]);
    if (screenshotsWanted) await page.screenshot({ path: "docs/images/block-dialog-unverified.png" });
    await forceConfirmed(page, dialog);
    await expect(dialog).toBeHidden();
    await expect(sessionItem(page, "Sidecar down")).toHaveCount(0);
  } finally {
    process.kill(-pgid, "SIGCONT");
  }
  expect(await fs.readFile(path.join(wt, "unsaved.txt"), "utf8")).toBe("unsaved\n");
  expect(await db.worktree.count({ where: { path: wt, sessionId: null } })).toBe(1);
});

test("a running agent blocks the delete: the dialog names it by tab, and Stop agents stops it and deletes the session", async ({ page, db }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await submitNewSession(page, { title: "Agent at work" });
  await expect(page.getByRole("heading", { name: "Agent at work" })).toBeVisible();
  await page.getByRole("textbox", { name: "Message" }).fill(`${SLOW_MARKER}: take your time`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("log", { name: "Messages" }).getByText("slow1", { exact: false })).toBeVisible({ timeout: 60_000 });

  const dialog = await askToDelete(page, "Agent at work");
  await expect(dialog.getByRole("heading", { name: "Agents are still running in this session" })).toBeVisible();
  await expect(dialog.getByRole("region", { name: "Running agents" })).toHaveText("opencode in “Tab 1”");
  await expect(dialog.getByRole("button")).toHaveText(["Cancel", "Stop agents", "Force"]);
  await dialog.getByRole("button", { name: "Stop agents" }).click();
  // Stopped, tried again: a chat-only session holds no work, so it goes.
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await expect(sessionItem(page, "Agent at work")).toHaveCount(0);
  const task = await db.task.findFirstOrThrow({ where: { prompt: `${SLOW_MARKER}: take your time` }, orderBy: { createdAt: "desc" } });
  expect(task.status).toBe("cancelled");
});

test("a branch that shares no history with the default branch is named as unpushed, not as unverifiable", async ({ page }) => {
  const wt = await createWorktreeSession(page, "Unrelated history");
  await repo.git(wt, "checkout", "-q", "--orphan", "boochat/unrelated-start");
  await repo.git(wt, "rm", "-q", "-r", "-f", ".");
  await fs.writeFile(path.join(wt, "fresh.txt"), "a new start\n");
  await repo.git(wt, "add", "fresh.txt");
  await repo.git(wt, "commit", "-q", "-m", "start from nothing");
  const dialog = await askToDelete(page, "Unrelated history");
  await expect(dialog.getByRole("heading", { name: "This session has work that would be lost" })).toBeVisible();
  await expect(dialog).toContainText("1 unpushed commit");
  await expect(dialog).toContainText("start from nothing");
  await expect(dialog).not.toContainText("could not");
  await forceConfirmed(page, dialog);
  await expect(dialog).toBeHidden();
});
