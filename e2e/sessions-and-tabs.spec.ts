import { expect, submitNewSession, test } from "./fixtures";

test("an empty install says how to start", async ({ page, db }) => {
  // Scratch e2e database: worktree rows (if any) survive as orphans, nothing on disk is touched.
  await db.session.deleteMany();
  await page.goto("/");
  await expect(page.getByText("No sessions yet.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "No session selected" })).toBeVisible();
});

test("sessions and tabs keep their state across a reload", async ({ page }) => {
  await page.goto("/");
  await submitNewSession(page, { title: "Refactor parser" });

  await expect(page).toHaveURL(/\/sessions\/[^/]+$/);
  await expect(page.getByRole("heading", { name: "Refactor parser" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Tab 1" })).toBeVisible();

  await page.getByRole("button", { name: "New tab" }).click();
  await expect(page.getByRole("tab", { name: "Tab 2" })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("button", { name: "New tab" }).click();
  await expect(page.getByRole("tab", { name: "Tab 3" })).toHaveAttribute("aria-selected", "true");

  // Rename and Close act on the selected tab (they sit beside the tab list, not in it).
  await page.getByRole("tab", { name: "Tab 2" }).click();
  await page.getByRole("button", { name: "Rename tab Tab 2" }).click();
  const rename = page.getByRole("dialog", { name: "Rename tab" });
  await rename.getByLabel("Tab title").fill("Plans");
  await rename.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("tab", { name: "Plans" })).toBeVisible();

  // An empty tab closes without a question (one with messages asks: ui-safety.spec.ts).
  await page.getByRole("tab", { name: "Tab 3" }).click();
  await page.getByRole("button", { name: "Close tab Tab 3" }).click();
  await expect(page.getByRole("tab", { name: "Tab 3" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Plans" }).click();
  await expect(page.getByRole("tab", { name: "Plans" })).toHaveAttribute("aria-selected", "true");

  // Rename the session from the sidebar too.
  const item = page.getByRole("navigation", { name: "Sessions" }).getByRole("listitem", { name: "Refactor parser" });
  await item.getByRole("button", { name: "Rename session" }).click();
  const renameSession = page.getByRole("dialog", { name: "Rename session" });
  await renameSession.getByLabel("Session title").fill("Refactor the parser");
  await renameSession.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Refactor the parser" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("heading", { name: "Refactor the parser" })).toBeVisible();
  await expect(page.getByRole("tab")).toHaveText(["Tab 1", "Plans"]);
  await expect(page.getByRole("tab", { name: "Plans" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("navigation", { name: "Sessions" }).getByRole("link", { name: /Refactor the parser/ })).toHaveAttribute("aria-current", "page");
});

test("a blank title is refused with a message at the Title field", async ({ page }) => {
  await page.goto("/");
  const dialog = await submitNewSession(page, { title: "   " });
  // Next to the field it is about, in words, without the internal field name.
  await expect(dialog.getByRole("alert")).toHaveText("Must not be empty");
  await expect(dialog.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Title")).toHaveAccessibleDescription("Must not be empty");
});

test("the theme can be switched and is remembered after a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const html = page.locator("html");
  await expect(html).not.toHaveClass(/dark/);
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(html).toHaveClass(/dark/);
  await page.reload();
  await expect(html).toHaveClass(/dark/);
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(html).not.toHaveClass(/dark/);
});
