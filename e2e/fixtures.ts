import { test as base, expect, type Page } from "@playwright/test";
import { createDb, type Db } from "../server/db";
import { e2eSettings } from "../playwright.config";

/** Tests seed and inspect the app's e2e database through Prisma, as the app itself does. */
export const test = base.extend<object, { db: Db }>({
  db: [
    async ({}, use) => {
      const db = createDb(e2eSettings.databaseUrl);
      await use(db);
      await db.$disconnect();
    },
    { scope: "worker" },
  ],
});

export { expect, e2eSettings };

/** Fills and submits the New session dialog as a user would; returns the dialog (for its errors). */
export async function submitNewSession(page: Page, input: { title: string; repoPath?: string }) {
  await page.getByRole("button", { name: "New session" }).click();
  const dialog = page.getByRole("dialog", { name: "New session" });
  await dialog.getByLabel("Title").fill(input.title);
  if (input.repoPath) await dialog.getByLabel("Repository path (optional)").fill(input.repoPath);
  await dialog.getByRole("button", { name: "Create session" }).click();
  return dialog;
}
