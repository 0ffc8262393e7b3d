import fs from "node:fs/promises";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, submitNewSession, test } from "./fixtures";
import { deleteSessionConfirmed } from "./ui-helpers";

// The arena in the browser: one prompt, two contestants side by side, each an entry session with
// its own worktree branch of the session's repository; the user marks a winner; the entries are
// listed under the session in the sidebar; the session's delete then removes them all through the gate.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
let repo: Repo;

test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

test("an arena runs two contestants side by side in their own branches, and the winner is stored", async ({ page, db }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await submitNewSession(page, { title: "Compare approaches", repoPath: repo.repo });
  await expect(page.getByRole("heading", { name: "Compare approaches" })).toBeVisible();

  await page.getByRole("button", { name: "New arena" }).click();
  const dialog = page.getByRole("dialog", { name: "New arena" });
  await dialog.getByLabel("Arena prompt").fill("Say which approach you would take");
  await expect(dialog.getByRole("combobox", { name: "Contestant 1" })).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Contestant 2" })).toBeVisible();
  await dialog.getByRole("button", { name: "Start arena" }).click();
  await expect(dialog).toBeHidden();

  const arena = page.getByRole("region", { name: "Arena" });
  const entries = arena.getByRole("region", { name: /^Arena entry / });
  await expect(entries).toHaveCount(2);
  // Side by side: the second column starts to the right of the first, on the same row.
  const [first, second] = [await entries.nth(0).boundingBox(), await entries.nth(1).boundingBox()];
  expect(second && first && second.x > first.x && Math.abs(second.y - first.y) < 2).toBe(true);
  for (const index of [0, 1]) {
    const entry = entries.nth(index);
    await expect(entry.getByText("Say which approach you would take")).toBeVisible({ timeout: 60_000 });
    // The scripted model's answer, and the entry's status line.
    await expect(entry.getByText("Done.")).toBeVisible({ timeout: 60_000 });
    await expect(entry.getByText(/ · done · open its session$/)).toBeVisible();
  }

  const stored = await db.arena.findFirstOrThrow({
    where: { prompt: "Say which approach you would take" },
    include: { entries: { orderBy: { createdAt: "asc" }, include: { worktree: true, chats: true } } },
  });
  const branches = stored.entries.map((e) => e.worktree?.branch);
  expect(new Set(branches).size).toBe(2);
  const listed = await repo.git(repo.repo, "branch", "--list", "boochat/arena-*", "--format=%(refname:short)");
  expect(listed.split("\n").sort()).toEqual([...branches].sort());

  const secondTitle = (await entries.nth(1).getByRole("paragraph").first().textContent()) ?? "";
  await entries.nth(1).getByRole("button", { name: `Mark ${secondTitle} as winner` }).click();
  await expect(entries.nth(1).getByRole("status").filter({ hasText: "Winner" })).toBeVisible();
  await expect.poll(async () => (await db.arena.findUniqueOrThrow({ where: { id: stored.id } })).winnerChatId).toBe(stored.entries[1]?.chats[0]?.id);
  if (process.env.BOOCHAT_UPDATE_SCREENSHOTS === "1") await page.screenshot({ path: "docs/images/arena.png" });

  // Each entry is a session of its own, listed under the session that started the arena (collapsed at first).
  const sessions = page.getByRole("navigation", { name: "Sessions" });
  const origin = sessions.getByRole("listitem", { name: "Compare approaches" });
  const toggle = origin.getByRole("button", { name: "2 arena entries of Compare approaches" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(origin.getByRole("list", { name: "Arena entries of Compare approaches" })).toHaveCount(0);
  await toggle.click();
  const entryList = origin.getByRole("list", { name: "Arena entries of Compare approaches" });
  await expect(entryList.getByRole("listitem")).toContainText(stored.entries.map((e) => e.title));
  await entryList.getByRole("link", { name: secondTitle }).click();
  await expect(page.getByRole("heading", { name: secondTitle })).toBeVisible();
  await expect(page.getByLabel("Branch")).toHaveText(stored.entries[1]?.worktree?.branch ?? "");
  await expect(page.getByRole("tab", { name: secondTitle })).toBeVisible();
  await expect(page.getByText("An entry of an arena started in Compare approaches")).toBeVisible();

  // Nothing is at risk: deleting the session removes its worktree and both entries' (sessions and worktrees).
  const paths = stored.entries.map((e) => e.worktree?.path ?? "");
  const gate = await deleteSessionConfirmed(page, "Compare approaches", origin);
  // The confirmation closes when the delete is done (a refusal would open the block dialog instead).
  await expect(gate).toHaveCount(0, { timeout: 20_000 });
  await expect(origin).toBeHidden();
  for (const p of paths) await expect(fs.stat(p)).rejects.toThrow();
  expect(await db.session.count({ where: { id: { in: stored.entries.map((e) => e.id) } } })).toBe(0);
});
