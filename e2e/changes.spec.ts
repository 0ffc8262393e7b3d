import fs from "node:fs/promises";
import path from "node:path";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, test } from "./fixtures";
import { REVIEW_ECHO_MARKER } from "./support/scripted-model-script";
import { deleteSessionConfirmed, trpcMutation } from "./ui-helpers";

// The Changes view (issue 16) against the built app and the real sidecar: a worktree with an
// edited, an added (committed), an untracked and a deleted file; line comments sent to an agent as
// one message; the block dialog's file link opening that file's diff in a new browser tab.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
type Session = { id: string; worktree: { path: string } | null };
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

const screenshots = process.env.BOOCHAT_UPDATE_SCREENSHOTS === "1";

/** A session whose worktree holds one file of each kind: edited, committed new, untracked, deleted. */
async function sessionWithChanges(request: Parameters<typeof trpcMutation>[0], title: string) {
  const session = await trpcMutation<Session>(request, "session.create", { title, repoPath: repo.repo });
  const wt = session.worktree?.path ?? "";
  await fs.mkdir(path.join(wt, "src"));
  await fs.writeFile(path.join(wt, "src/feature.ts"), "export function feature(): number {\n  return 42;\n}\n");
  await repo.git(wt, "add", "src/feature.ts");
  await repo.git(wt, "commit", "-q", "-m", "add the feature");
  await fs.writeFile(path.join(wt, "README.md"), "# fixture\n\nline two, edited\nline three\n");
  await fs.writeFile(path.join(wt, "notes.md"), "an idea\n");
  await repo.git(wt, "rm", "-q", ".gitignore");
  return { ...session, wt };
}

test("the Changes view lists every kind of change, comments on two lines and sends them to the agent as one message", async ({ page, request, db }) => {
  test.setTimeout(120_000);
  const session = await sessionWithChanges(request, "Review the changes");
  await page.goto(`/sessions/${session.id}`);
  await page.getByRole("navigation", { name: "Session views" }).getByRole("link", { name: "Changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${session.id}/changes$`));

  const files = page.getByRole("navigation", { name: "Changed files" });
  await expect(files).toContainText("4 files changed, 6 lines added, 3 removed");
  const kinds: Array<[string, string]> = [["README.md", "modified"], ["src/feature.ts", "added"], ["notes.md", "added"], [".gitignore", "deleted"]];
  for (const [file, status] of kinds) {
    await expect(files.getByRole("listitem").filter({ hasText: file })).toContainText(status);
  }
  await expect(page.getByRole("status").filter({ hasText: /^as of \d\d:\d\d:\d\d/ })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Commits on this branch" })).toContainText("add the feature");

  // Only what is not committed yet: the committed file goes.
  await page.getByLabel("Only uncommitted").check();
  await expect(page.getByRole("heading", { name: "Uncommitted changes" })).toBeVisible();
  await expect(files.getByRole("listitem").filter({ hasText: "src/feature.ts" })).toHaveCount(0);
  await expect(files.getByRole("listitem").filter({ hasText: "README.md" })).toBeVisible();
  await page.getByLabel("Only uncommitted").uncheck();
  await expect(files.getByRole("listitem").filter({ hasText: "src/feature.ts" })).toBeVisible();

  // A comment on one line, then one on a range (click, shift-click).
  const readme = page.getByRole("region", { name: "Diff of README.md" });
  await readme.getByRole("button", { name: "Comment on README.md line 3" }).click();
  await page.getByLabel("Comment on README.md:3").fill(`${REVIEW_ECHO_MARKER}: say why this line changed`);
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(readme.getByRole("note", { name: "Comment on README.md:3" })).toContainText("pending");
  const feature = page.getByRole("region", { name: "Diff of src/feature.ts" });
  await feature.getByRole("button", { name: "Comment on src/feature.ts line 1" }).click();
  await feature.getByRole("button", { name: "Comment on src/feature.ts line 2" }).click({ modifiers: ["Shift"] });
  await page.getByLabel("Comment on src/feature.ts:1-2").fill(`${REVIEW_ECHO_MARKER}: name the number`);
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(feature.getByRole("note", { name: "Comment on src/feature.ts:1-2" })).toBeVisible();
  const pending = page.getByRole("list", { name: "Pending comments" });
  await expect(pending.getByRole("listitem")).toHaveCount(2);

  // The split layout draws the same lines side by side.
  await page.getByRole("button", { name: "Split" }).click();
  await expect(page.getByRole("button", { name: "Split" })).toHaveAttribute("aria-pressed", "true");
  await expect(readme.getByRole("button", { name: "Comment on README.md removed line 3" })).toBeVisible();
  if (screenshots) {
    await page.getByRole("button", { name: "Unified" }).click();
    for (const theme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await readme.getByRole("note", { name: "Comment on README.md:3" }).scrollIntoViewIfNeeded();
      await expect(readme.getByRole("note", { name: "Comment on README.md:3" })).toBeInViewport();
      await page.screenshot({ path: `docs/images/changes-${theme}.png` });
    }
  }

  await page.getByRole("button", { name: "Send to agent" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Sent 2 comments as one message" })).toBeVisible();
  await expect(page.getByRole("note", { name: "Comment on README.md:3" })).toContainText("sent to the agent");
  await page.getByRole("link", { name: "Open the tab" }).click();
  const answer = page.getByRole("log", { name: "Messages" }).getByRole("article", { name: "Agent message" });
  await expect(answer).toContainText("Review received in one message: README.md:3, src/feature.ts:1-2", { timeout: 60_000 });
  const prompts = await db.task.findMany({ where: { sessionId: session.id }, select: { prompt: true } });
  expect(prompts).toHaveLength(1);
});

test("a diff too large is drawn only when asked, and then in full", async ({ page, request }) => {
  const session = await sessionWithChanges(request, "A large diff");
  await fs.writeFile(path.join(session.wt, "big.txt"), Array.from({ length: 5_000 }, (_, i) => `line ${i + 1}`).join("\n") + "\n");
  await page.goto(`/sessions/${session.id}/changes?file=big.txt`);
  const big = page.getByRole("region", { name: "Diff of big.txt" });
  await expect(big).toContainText("Diff too large (5,000 lines)");
  // Long tasks (main thread busy over 50 ms) while it draws: none may freeze the page for long.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { longTasks: number[] }).longTasks = seen;
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => seen.push(entry.duration))).observe({ type: "longtask" });
  });
  await big.getByRole("button", { name: /^Show anyway/ }).click();
  // A plain DOM query: role queries over 10,000 line buttons would keep the page busy themselves.
  await page.waitForFunction(() => document.querySelector('[aria-label="Comment on big.txt line 5000"]') !== null, null, { timeout: 30_000, polling: 250 });
  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
  expect(longest, "the longest task while drawing 5,000 lines (ms)").toBeLessThan(1_500);
  await expect(big.getByText("Drawing the rest of the lines…")).toHaveCount(0);
});

test("the block dialog's file link opens that file's diff in a new browser tab and the dialog stays", async ({ page, context, request }) => {
  const session = await sessionWithChanges(request, "Linked from the dialog");
  await page.goto(`/sessions/${session.id}`);
  const dialog = await deleteSessionConfirmed(page, "Linked from the dialog");
  await expect(dialog.getByRole("heading", { name: "This session has work that would be lost" })).toBeVisible();
  const link = dialog.getByRole("link", { name: /^README\.md / });
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", "noopener");
  const [opened] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await expect(opened).toHaveURL(new RegExp(`/sessions/${session.id}/changes\\?file=README\\.md$`));
  await expect(opened.getByRole("region", { name: "Diff of README.md" })).toBeInViewport();
  await expect(opened.getByRole("region", { name: "Diff of README.md" }).getByRole("button", { name: "Comment on README.md line 3" })).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "This session has work that would be lost" })).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
});
