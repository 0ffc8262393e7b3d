import fs from "node:fs/promises";
import path from "node:path";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, test } from "./fixtures";
import { sessionItem, trpcMutation } from "./ui-helpers";

// The sidebar at scale (issue 18): pages of session.page, a search box, risk badges for the
// sessions on screen in ONE request, refreshed while the page is visible; Clean up sessions.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
type Session = { id: string; title: string; worktree: { path: string } | null };
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

test.use({ viewport: { width: 1280, height: 1600 } });

test("a badge says what a delete would meet, and changes when the worktree is made dirty from outside", async ({ page, request }) => {
  const session = await trpcMutation<Session>(request, "session.create", { title: "Badge watch", repoPath: repo.repo });
  await page.clock.install();
  await page.goto("/");
  await page.getByRole("searchbox", { name: "Search sessions" }).fill("Badge watch");
  const item = sessionItem(page, "Badge watch");
  await expect(item.getByRole("img", { name: "clean: nothing would be lost" })).toBeVisible();

  await fs.writeFile(path.join(session.worktree?.path ?? "", "outside.txt"), "written behind BooChat's back\n");
  // The next background check (every 15 s while the page is visible).
  await page.clock.fastForward(16_000);
  await expect(item.getByRole("img", { name: "1 uncommitted file" })).toBeVisible();
});

test("the badges of 20 sessions on screen come in ONE request, and the search narrows the list", async ({ page, request }) => {
  const prefix = `Batch ${Date.now().toString(36)}`;
  for (let n = 1; n <= 20; n += 1) {
    await trpcMutation(request, "session.create", { title: `${prefix} ${String(n).padStart(2, "0")}`, ...(n % 2 === 0 ? { repoPath: repo.repo } : {}) });
  }
  await page.clock.install();
  await page.goto("/");
  await page.getByRole("searchbox", { name: "Search sessions" }).fill(prefix);
  const list = page.getByRole("navigation", { name: "Sessions" });
  await expect(list.getByRole("listitem")).toHaveCount(20);
  await expect(list.getByRole("listitem").first()).toHaveAccessibleName(`${prefix} 20`);
  await expect(sessionItem(page, `${prefix} 20`).getByRole("img", { name: "clean: nothing would be lost" })).toBeVisible();

  const asked: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/trpc/") && r.url().includes("worktree.riskBadges")) asked.push(r.url());
  });
  await page.clock.fastForward(16_000);
  await expect.poll(() => asked.length).toBe(1);
  const input = decodeURIComponent(new URL(asked[0] ?? "").searchParams.get("input") ?? "");
  const ids = [...input.matchAll(/"(c[a-z0-9]{20,})"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(20);
  // No second request for the same sessions.
  await page.clock.fastForward(1_000);
  expect(asked).toHaveLength(1);

  await page.getByRole("searchbox", { name: "Search sessions" }).fill(`${prefix} 07`);
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await page.getByRole("searchbox", { name: "Search sessions" }).fill(`${prefix} nothing like it`);
  await expect(list).toContainText("No session matches");
});

test("Clean up sessions deletes the chosen clean ones and says why it kept one that holds work", async ({ page, request, db }) => {
  const tag = Date.now().toString(36);
  const clean = await trpcMutation<Session>(request, "session.create", { title: `Done work ${tag}`, repoPath: repo.repo });
  const dirty = await trpcMutation<Session>(request, "session.create", { title: `Late change ${tag}`, repoPath: repo.repo });
  await page.goto("/");
  await page.getByRole("button", { name: "Clean up sessions" }).click();
  const dialog = page.getByRole("dialog", { name: "Clean up sessions" });
  await expect(dialog.getByRole("checkbox", { name: new RegExp(`Done work ${tag}`) })).toBeChecked();
  // Only these two: the others listed (from other tests) are left alone.
  for (const box of await dialog.getByRole("checkbox").all()) {
    const name = (await box.evaluate((el) => el.closest("label")?.textContent ?? "")) ?? "";
    if (!name.includes(tag)) await box.uncheck();
  }
  // Between the list and the delete, the second gets work from outside: the gate must keep it.
  await fs.writeFile(path.join(dirty.worktree?.path ?? "", "late.txt"), "late\n");
  await dialog.getByRole("button", { name: "Delete 2 sessions" }).click();
  const outcome = dialog.getByRole("status");
  await expect(outcome).toContainText("1 session was deleted; 1 was kept because deleting would lose work");
  await expect(outcome).toContainText(`“Late change ${tag}”`);
  await expect(outcome).toContainText("late.txt");
  expect(await db.session.count({ where: { id: clean.id } })).toBe(0);
  expect(await db.session.count({ where: { id: dirty.id } })).toBe(1);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(sessionItem(page, `Done work ${tag}`)).toHaveCount(0);
});
