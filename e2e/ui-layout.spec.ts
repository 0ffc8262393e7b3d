import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, submitNewSession, test } from "./fixtures";
import { deleteSessionConfirmed, expectNoSideScroll, forceConfirmed, notification, sessionItem } from "./ui-helpers";

// The main flows on a phone (390×844) and a laptop (1280×800): nothing scrolls sideways, and every
// control a flow needs is on screen when the flow needs it.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

const sizes = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "laptop", viewport: { width: 1280, height: 800 } },
] as const;

const screenshots = process.env.BOOCHAT_UPDATE_SCREENSHOTS === "1";

/** On a phone the session list is its own page: back to it from a session. */
async function showSessionList(page: Page, phone: boolean) {
  if (phone) await page.getByRole("link", { name: "All sessions" }).click();
  await expect(page.getByRole("navigation", { name: "Sessions" })).toBeVisible();
}

for (const { name, viewport } of sizes) {
  test.describe(name, () => {
    test.use({ viewport });
    const phone = name === "phone";

    test(`${name}: create, chat, tabs, arena, block dialog and orphans fit the screen`, async ({ page }) => {
      test.setTimeout(180_000);
      const title = `Layout ${name}`;
      await page.goto("/");
      await expectNoSideScroll(page);
      await submitNewSession(page, { title, repoPath: repo.repo });
      await expect(page.getByRole("heading", { name: title })).toBeVisible();
      // The new session's message box has the focus, ready to write in.
      const box = page.getByRole("textbox", { name: "Message" });
      await expect(box).toBeFocused();
      const boxWidth = (await box.boundingBox())?.width ?? 0;
      expect(boxWidth).toBeGreaterThan(viewport.width / 2);
      for (const control of [page.getByRole("tab", { name: "Tab 1" }), page.getByRole("button", { name: "New tab" }), page.getByRole("button", { name: "Send" })]) {
        await expect(control).toBeInViewport({ ratio: 1 });
      }
      await expectNoSideScroll(page);

      // Chat.
      await box.fill("Say hello");
      await box.press("Enter");
      await expect(page.getByRole("log", { name: "Messages" }).getByRole("article", { name: "Agent message" })).toContainText("Done.", { timeout: 60_000 });
      await expectNoSideScroll(page);
      if (screenshots && phone) await page.screenshot({ path: "docs/images/phone-session.png" });

      // Tabs: a new one takes the focus; several still fit (the strip scrolls on its own).
      for (const n of [2, 3, 4]) {
        await page.getByRole("button", { name: "New tab" }).click();
        await expect(page.getByRole("tab", { name: `Tab ${n}` })).toHaveAttribute("aria-selected", "true");
      }
      await expect(page.getByRole("textbox", { name: "Message" })).toBeFocused();
      await expect(page.getByRole("button", { name: "Close tab Tab 4" })).toBeInViewport({ ratio: 1 });
      await expect(page.getByRole("button", { name: "New tab" })).toBeInViewport({ ratio: 1 });
      await expectNoSideScroll(page);

      // Arena: the dialog fits, and so do the entries (one under another on a phone).
      await page.getByRole("button", { name: "New arena" }).click();
      const arenaDialog = page.getByRole("dialog", { name: "New arena" });
      await expect(arenaDialog).toContainText("without its uncommitted work");
      await expect(arenaDialog.getByRole("button", { name: "Start arena" })).toBeDisabled();
      await expect(arenaDialog).toContainText("Write the arena prompt to start.");
      await arenaDialog.getByLabel("Arena prompt").fill("Compare on a small screen");
      await expect(arenaDialog.getByRole("button", { name: "Start arena" })).toBeInViewport({ ratio: 1 });
      await expectNoSideScroll(page);
      await arenaDialog.getByRole("button", { name: "Start arena" }).click();
      const entries = page.getByRole("region", { name: "Arena" }).getByRole("region", { name: /^Arena entry / });
      await expect(entries).toHaveCount(2);
      const [first, second] = [await entries.nth(0).boundingBox(), await entries.nth(1).boundingBox()];
      expect(first && second && (phone ? second.y > first.y : second.x > first.x)).toBe(true);
      await expect(entries.nth(0).getByRole("button", { name: /^Mark .* as winner$/ })).toBeInViewport({ ratio: 1 });
      await expectNoSideScroll(page);
      // Both answered before the delete below (running agents would block it first).
      for (const index of [0, 1]) await expect(entries.nth(index).getByText(/ · done · /)).toBeVisible({ timeout: 60_000 });
      await page.getByRole("button", { name: "Compare" }).click();
      await expect(page.getByRole("region", { name: "Compare entries" })).toBeVisible();
      await expectNoSideScroll(page);
      await page.getByRole("button", { name: "Back to tabs" }).click();

      // The block dialog: every button on screen.
      const worktree = (await page.getByLabel("Worktree path").textContent()) ?? "";
      await fs.writeFile(path.join(worktree, "draft.md"), "unsaved idea\n");

      // The Changes view: the file list, the diff in both layouts and the comment form fit.
      await page.getByRole("navigation", { name: "Session views" }).getByRole("link", { name: "Changes" }).click();
      const draft = page.getByRole("region", { name: "Diff of draft.md" });
      await draft.getByRole("button", { name: "Comment on draft.md line 1" }).click();
      await expect(page.getByRole("button", { name: "Add comment" })).toBeVisible();
      await expectNoSideScroll(page);
      await page.getByRole("button", { name: "Split" }).click();
      await expect(page.getByRole("button", { name: "Split" })).toHaveAttribute("aria-pressed", "true");
      await expectNoSideScroll(page);
      if (screenshots && phone) await page.screenshot({ path: "docs/images/phone-changes.png" });
      const finish = page.getByRole("region", { name: "Finish" });
      await finish.getByRole("button", { name: "Finish" }).click();
      await expect(finish.getByRole("button", { name: "Commit" })).toBeInViewport({ ratio: 1 });
      await expectNoSideScroll(page);
      await showSessionList(page, phone);
      // Back on the list (on a phone, after it was hidden while a session was open), the newest session is on screen.
      await expect(sessionItem(page, title)).toBeInViewport();
      await expectNoSideScroll(page);
      if (screenshots && phone) await page.screenshot({ path: "docs/images/phone-sessions.png" });
      const block = await deleteSessionConfirmed(page, title);
      await expect(block.getByRole("heading", { name: "This session has work that would be lost" })).toBeVisible();
      for (const button of ["Cancel", "Commit", "Stash", "Force"]) await expect(block.getByRole("button", { name: button, exact: true })).toBeInViewport({ ratio: 1 });
      await expectNoSideScroll(page);
      if (screenshots && phone) await page.screenshot({ path: "docs/images/phone-block-dialog.png" });

      // Force, then the orphan it leaves, opened from the list.
      await forceConfirmed(page, block);
      await expect(notification(page, title)).toContainText("Orphaned worktrees");
      await expect(sessionItem(page, title)).toHaveCount(0);
      const orphan = page.getByRole("region", { name: "Orphaned worktrees" }).getByRole("listitem", { name: worktree });
      await orphan.getByRole("button", { name: "Open" }).scrollIntoViewIfNeeded();
      await orphan.getByRole("button", { name: "Open" }).click();
      const orphanDialog = page.getByRole("dialog", { name: "Orphaned worktree" });
      await expect(orphanDialog).toContainText("draft.md");
      await expect(orphanDialog).toContainText("Status: at risk");
      await expect(orphanDialog.getByRole("button", { name: "Close" })).toBeInViewport({ ratio: 1 });
      await expectNoSideScroll(page);
      if (screenshots && phone) await page.screenshot({ path: "docs/images/phone-orphan.png" });
      await orphanDialog.getByRole("button", { name: "Close" }).click();
    });
  });
}
