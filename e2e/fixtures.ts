import { test as base, expect } from "@playwright/test";
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
