import { expect, submitNewSession, test } from "./fixtures";
import { SLOW_MARKER } from "./support/scripted-model-script";
import { seedConversation } from "./ui-helpers";

// What a tab shows and keeps: Markdown with copy buttons, a running mark on background tabs and in
// every window's sidebar, a message queued while the agent runs, and a draft and an agent choice
// that survive a reload.

const ANSWER = [
  "Two steps:",
  "",
  "- read `parser.ts`",
  "- fix the [off-by-one](https://example.com/issue/1)",
  "",
  "```ts",
  "const next = (index: number) => index + 1;",
  "```",
  "",
  "[do not click](javascript:alert(1))",
].join("\n");

test("an agent's Markdown is rendered, links open safely, and messages and code blocks copy", async ({ page, db }) => {
  await page.goto("/");
  await submitNewSession(page, { title: "Markdown answer" });
  await expect(page.getByRole("heading", { name: "Markdown answer" })).toBeVisible();
  const session = await db.session.findFirstOrThrow({ where: { title: "Markdown answer" }, include: { chats: true } });
  await seedConversation(db, session.chats[0]?.id ?? "", [
    { role: "user", text: "How?" },
    { role: "assistant", text: ANSWER },
  ]);
  await page.reload();

  const answer = page.getByRole("article", { name: "Agent message" });
  await expect(answer.getByRole("listitem")).toHaveText(["read parser.ts", "fix the off-by-one"]);
  const link = answer.getByRole("link", { name: "off-by-one" });
  await expect(link).toHaveAttribute("href", "https://example.com/issue/1");
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", /noopener/);
  // A javascript: link keeps its words but is no link.
  await expect(answer).toContainText("do not click");
  await expect(answer.getByRole("link", { name: "do not click" })).toHaveCount(0);
  // The code block is highlighted (once highlight.js and TypeScript have loaded).
  await expect(answer.locator("pre .hljs-keyword").first()).toHaveText("const");

  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await answer.getByRole("button", { name: "Copy code" }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("const next = (index: number) => index + 1;");
  await answer.getByRole("button", { name: "Copy message" }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER);
});

test("a running tab is marked in the tab strip and in every window's sidebar; Enter queues; drafts and the agent survive a reload", async ({ page }) => {
  test.setTimeout(150_000);
  const other = await page.context().newPage();
  await other.goto("/");

  await page.goto("/");
  await submitNewSession(page, { title: "Busy agent" });
  await expect(page.getByRole("heading", { name: "Busy agent" })).toBeVisible();
  // The other window sees the new session without a reload.
  const elsewhere = other.getByRole("navigation", { name: "Sessions" }).getByRole("link", { name: /Busy agent/ });
  await expect(elsewhere).toBeVisible();

  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(`${SLOW_MARKER}: take your time`);
  await box.press("Enter");
  await expect(page.getByRole("log", { name: "Messages" })).toContainText("slow1", { timeout: 60_000 });

  // Enter while it runs: the message waits, visibly, with a way to cancel it.
  await box.fill("and then add a test");
  await box.press("Enter");
  const queued = page.getByRole("region", { name: "Queued messages" });
  await expect(queued).toContainText("and then add a test");
  await expect(queued.getByRole("button", { name: "Cancel queued message: and then add a test" })).toBeVisible();
  await expect(box).toHaveValue("");

  // In the background the tab still says it runs, and so does the sidebar here and in the other window.
  await expect(page.getByRole("tab", { name: "Tab 1 running" })).toBeVisible();
  await page.getByRole("button", { name: "New tab" }).click();
  await expect(page.getByRole("tab", { name: "Tab 2" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("textbox", { name: "Message" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "Tab 1 running" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Sessions" }).getByRole("link", { name: "Busy agent running" })).toBeVisible();
  await expect(other.getByRole("navigation", { name: "Sessions" }).getByRole("link", { name: "Busy agent running" })).toBeVisible();

  // A half-typed message and the tab's agent choice survive a reload.
  await page.getByRole("textbox", { name: "Message" }).fill("half typed thought");
  await page.getByRole("combobox", { name: "Agent" }).selectOption("opencode");
  await page.reload();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue("half typed thought");
  await expect(page.getByRole("combobox", { name: "Agent" })).toHaveValue("opencode");

  // Back in Tab 1 the queue is still there; Stop ends the run and the queued message goes out.
  await page.getByRole("tab", { name: /Tab 1/ }).click();
  await expect(page.getByRole("region", { name: "Queued messages" })).toContainText("and then add a test");
  await page.getByRole("button", { name: "Stop" }).click();
  const log = page.getByRole("log", { name: "Messages" });
  await expect(log.locator('[data-role="user"]').filter({ hasText: "and then add a test" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Queued messages" })).toHaveCount(0);
  await expect(log.getByRole("article", { name: "Agent message" }).last()).toContainText("Done.", { timeout: 60_000 });
  await expect(page.getByRole("tab", { name: "Tab 1 running" })).toHaveCount(0);
  await expect(other.getByRole("navigation", { name: "Sessions" }).getByRole("link", { name: "Busy agent running" })).toHaveCount(0);
});
