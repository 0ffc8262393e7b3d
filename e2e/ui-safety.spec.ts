import fs from "node:fs/promises";
import path from "node:path";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, submitNewSession, test } from "./fixtures";
import { notification, seedConversation, sessionItem } from "./ui-helpers";

// Nothing that cannot be undone happens on one click: closing a tab with messages, deleting a
// session and Force each ask once, in words; Escape gives the focus back to what opened the question.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

test("closing a tab with messages asks first, says what goes and what stays, and Escape keeps it", async ({ page, db }) => {
  await page.goto("/");
  await submitNewSession(page, { title: "Tab with history" });
  await expect(page.getByRole("heading", { name: "Tab with history" })).toBeVisible();
  const session = await db.session.findFirstOrThrow({ where: { title: "Tab with history" }, include: { chats: true } });
  const chatId = session.chats[0]?.id ?? "";
  await seedConversation(db, chatId, [
    { role: "user", text: "What is in the parser?" },
    { role: "assistant", text: "A tokenizer and a recursive descent." },
  ]);
  await page.reload();
  await expect(page.getByRole("article", { name: "Agent message" })).toContainText("recursive descent");

  const close = page.getByRole("button", { name: "Close tab Tab 1" });
  await close.click();
  const question = page.getByRole("alertdialog", { name: "Close “Tab 1”?" });
  await expect(question).toContainText("Its 2 messages are deleted with it. This cannot be undone.");
  await expect(question).toContainText("The session, its other tabs and its worktree stay as they are.");
  await expect(question.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(question).toBeHidden();
  await expect(close).toBeFocused();
  expect(await db.message.count({ where: { chatId } })).toBe(2);

  await close.click();
  await question.getByRole("button", { name: "Close tab" }).click();
  await expect(page.getByRole("tab", { name: "Tab 1" })).toHaveCount(0);
  await expect(notification(page, "Closed “Tab 1”")).toContainText("Its 2 messages were deleted");
  expect(await db.message.count({ where: { chatId } })).toBe(0);
});

test("deleting a chat-only session asks before session.delete, and once confirmed calls nothing else", async ({ page, db }) => {
  await page.goto("/");
  await submitNewSession(page, { title: "Only chat" });
  await expect(page.getByRole("heading", { name: "Only chat" })).toBeVisible();
  const calls: string[] = [];
  page.on("request", (request) => {
    const match = /\/api\/trpc\/([^?]+)/.exec(request.url());
    if (match?.[1] && request.method() === "POST") calls.push(...match[1].split(","));
  });

  const deleteButton = sessionItem(page, "Only chat").getByRole("button", { name: "Delete session" });
  await deleteButton.click();
  const question = page.getByRole("alertdialog", { name: "Delete “Only chat”?" });
  await expect(question).toContainText("Its tabs and every message in them are deleted. This cannot be undone.");
  await expect(question).toContainText("It has no worktree: nothing on disk is touched.");
  await question.getByRole("button", { name: "Cancel" }).click();
  await expect(deleteButton).toBeFocused();
  expect(calls).toEqual([]);
  expect(await db.session.count({ where: { title: "Only chat" } })).toBe(1);

  await deleteButton.click();
  await question.getByRole("button", { name: "Delete session" }).click();
  await expect(notification(page, "“Only chat” was deleted")).toContainText("nothing on disk was touched");
  await expect(page).toHaveURL(/\/$/);
  expect(calls).toEqual(["session.delete"]);
  expect(await db.session.count({ where: { title: "Only chat" } })).toBe(0);
});

test("Force asks once more in words; Cancel there leaves the session and its work alone", async ({ page, db }) => {
  await page.goto("/");
  await submitNewSession(page, { title: "Careful force", repoPath: repo.repo });
  const worktree = (await page.getByLabel("Worktree path").textContent()) ?? "";
  // One host (no BOOCHAT_HOSTS_FILE): the header says where the worktree and its agents are.
  await expect(page.getByRole("group", { name: "Host" })).toHaveText("local");
  await fs.writeFile(path.join(worktree, "wip.txt"), "work in progress\n");

  await sessionItem(page, "Careful force").getByRole("button", { name: "Delete session" }).click();
  const question = page.getByRole("alertdialog", { name: "Delete “Careful force”?" });
  await expect(question).toContainText(`Its worktree ${worktree} on branch boochat/careful-force-`);
  await expect(question).toContainText("is removed only if nothing in it would be lost");
  await question.getByRole("button", { name: "Delete session" }).click();
  const block = page.getByRole("alertdialog", { name: "This session has work that would be lost" });
  await expect(block).toContainText("wip.txt");

  const force = block.getByRole("button", { name: "Force", exact: true });
  await force.click();
  const again = page.getByRole("alertdialog", { name: "Force the delete of “Careful force”?" });
  await expect(again).toContainText("without checking the worktree again");
  await expect(again).toContainText(`Nothing is removed from disk: ${worktree} stays with every file, uncommitted work included`);
  await again.getByRole("button", { name: "Cancel" }).click();
  await expect(again).toBeHidden();
  await expect(block).toBeVisible();
  await expect(force).toBeFocused();
  await block.getByRole("button", { name: "Cancel" }).click();
  expect(await db.session.count({ where: { title: "Careful force" } })).toBe(1);
  expect(await fs.readFile(path.join(worktree, "wip.txt"), "utf8")).toBe("work in progress\n");
});
