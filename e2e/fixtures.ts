import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { createDb, type Db } from "../server/db";
import { API_TOKEN_FILE } from "../server/security/access-secrets";
import { e2eSettings } from "../playwright.config";

/** The e2e app's API token, which `npm start` (scripts/start.mjs) wrote into its data folder. */
export function e2eApiToken(dataDir = e2eSettings.dataDir): string {
  return fs.readFileSync(path.join(dataDir, API_TOKEN_FILE), "utf8").trim();
}

/** Signs a browser context in the way a user does: by opening the sign-in link `npm start` printed. */
export async function signInWithLink(context: BrowserContext, token: string, baseURL?: string): Promise<void> {
  const response = await context.request.get(`${baseURL ?? ""}/sign-in?token=${encodeURIComponent(token)}`, { maxRedirects: 0 });
  if (response.status() !== 303) throw new Error(`the sign-in link answered ${response.status()}, not 303`);
}

/**
 * Tests seed and inspect the app's e2e database through Prisma, as the app itself does. BooChat
 * always asks for credentials: every test's browser is signed in through the sign-in link, and
 * the `request` fixture sends the API token as scripts do.
 */
export const test = base.extend<object, { db: Db; apiToken: string }>({
  db: [
    async ({}, use) => {
      const db = createDb(e2eSettings.databaseUrl);
      await use(db);
      await db.$disconnect();
    },
    { scope: "worker" },
  ],
  apiToken: [async ({}, use) => use(e2eApiToken()), { scope: "worker" }],
  context: async ({ context, apiToken }, use) => {
    await signInWithLink(context, apiToken);
    await use(context);
  },
  request: async ({ playwright, baseURL, apiToken }, use) => {
    const request = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${apiToken}` } });
    await use(request);
    await request.dispose();
  },
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
