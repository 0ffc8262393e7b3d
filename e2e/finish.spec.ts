import fs from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import os from "node:os";
import path from "node:path";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, test } from "./fixtures";
import { deleteSessionConfirmed, notification, trpcMutation } from "./ui-helpers";

// Finishing a session (issue 17): the Finish panel walks a branch from uncommitted work to a
// deleted session, with the merge done on origin's side (a squash merge pushed from a second
// clone, as a host's "Squash and merge" leaves it); and the block dialog's ways out for commits.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
type Session = { id: string; worktree: { path: string; branch: string } };
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

/** What a host does on "Squash and merge": the branch's changes as one commit on main, pushed to origin. */
async function squashMergeOnOrigin(branch: string) {
  const clone = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-e2e-merger-"));
  try {
    await repo.git(clone, "clone", "-q", repo.origin, ".");
    await repo.git(clone, "merge", "--squash", `origin/${branch}`);
    await repo.git(clone, "commit", "-q", "-m", `Squash-merge ${branch}`);
    await repo.git(clone, "push", "-q", "origin", "HEAD:main");
  } finally {
    await fs.rm(clone, { recursive: true, force: true });
  }
}

test("the Finish panel walks a session from uncommitted work to deleted: commit, push, merged on origin, refresh, delete", async ({ page, request, db }) => {
  test.setTimeout(120_000);
  const session = await trpcMutation<Session>(request, "session.create", { title: "Finish the work", repoPath: repo.repo });
  await fs.writeFile(path.join(session.worktree.path, "feature.md"), "the feature\n");
  await page.goto(`/sessions/${session.id}`);
  const finish = page.getByRole("region", { name: "Finish" });
  const where = finish.getByRole("status");
  await expect(where).toHaveText("1 uncommitted change. Next: Commit them.");
  await finish.getByRole("button", { name: "Finish" }).click();
  const steps = finish.getByRole("list", { name: "Steps to finish" });
  await expect(steps.getByRole("listitem").filter({ hasText: "Commit" })).toHaveAttribute("aria-current", "step");

  await finish.getByRole("button", { name: "Commit", exact: true }).click();
  const panel = page.getByRole("region", { name: "Commit your changes" });
  await panel.getByLabel("Commit message").fill("add the feature");
  await panel.getByRole("button", { name: "Commit 1 change" }).click();
  await expect(where).toHaveText("1 commit not pushed. Next: Push the branch to origin.");

  await finish.getByRole("button", { name: "Push" }).click();
  await expect(notification(page, `Pushed ${session.worktree.branch}`)).toBeVisible();
  await expect(where).toHaveText("pushed, 1 commit not merged into main. Next: Open a pull request; once it is merged, Refresh.");
  expect(await repo.git(repo.origin, "rev-parse", session.worktree.branch)).toBe(await repo.git(session.worktree.path, "rev-parse", "HEAD"));
  // origin is a folder here, no host's page to open: the panel says so, and what to do.
  await expect(steps.getByRole("listitem").filter({ hasText: "Merge" })).toContainText(`is not on a host BooChat knows (GitHub, GitLab, Gitea/Forgejo, Bitbucket): open a pull request of ${session.worktree.branch} into main there`);
  await expect(finish.getByRole("link", { name: "Open pull request" })).toHaveCount(0);

  await squashMergeOnOrigin(session.worktree.branch);
  await finish.getByRole("button", { name: "Refresh" }).click();
  await expect(where).toHaveText("everything is merged into main: deleting the session loses nothing. Next: Delete the session.");

  await finish.getByRole("button", { name: "Delete session" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete “Finish the work”?" });
  await confirm.getByRole("button", { name: "Delete session" }).click();
  await expect(notification(page, "Finish the work")).toContainText("was removed");
  await expect(page).toHaveURL(/\/$/);
  expect(await db.session.count({ where: { id: session.id } })).toBe(0);
});

test("when only commits block a delete, the block dialog offers Push and Refresh, says what each changes, and deletes once merged", async ({ page, request, db }) => {
  test.setTimeout(90_000);
  const session = await trpcMutation<Session>(request, "session.create", { title: "Only commits", repoPath: repo.repo });
  await fs.writeFile(path.join(session.worktree.path, "done.md"), "done\n");
  await repo.git(session.worktree.path, "add", "done.md");
  await repo.git(session.worktree.path, "commit", "-q", "-m", "finish it");
  await page.goto(`/sessions/${session.id}`);
  const dialog = await deleteSessionConfirmed(page, "Only commits");
  await expect(dialog.getByRole("heading", { name: "This session has work that would be lost" })).toBeVisible();
  await expect(dialog.getByRole("button")).toHaveText(["Cancel", "Push", "Refresh", "Force"]);
  await expect(dialog).toContainText("Push sends 1 commit of");
  await expect(dialog).toContainText("Refresh fetches origin and checks again");
  await expect(dialog).toContainText("Open pull request opens nothing here: origin (");
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.help}`), `axe in the commits-only block dialog (${theme})`).toEqual([]);
  }

  await dialog.getByRole("button", { name: "Push" }).click();
  await expect(dialog.getByRole("status")).toHaveText(`Pushed ${session.worktree.branch} to origin. Still at risk: 1 unmerged commit.`);
  await expect(dialog.getByRole("button")).toHaveText(["Cancel", "Refresh", "Force"]);

  await squashMergeOnOrigin(session.worktree.branch);
  await dialog.getByRole("button", { name: "Refresh" }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await expect(notification(page, "Only commits")).toContainText("was removed");
  expect(await db.session.count({ where: { id: session.id } })).toBe(0);
});
