import { expect, submitNewSession, test } from "./fixtures";
import { STREAM_MARKER, STREAMED_CHUNKS } from "./support/scripted-model-script";

// The real opencode serve behind the built app, with a scripted model streaming chunks slowly:
// the browser must show the text growing in order, and end with exactly what was stored.

const FINAL_TEXT = STREAMED_CHUNKS.join("");

test("streams the agent's answer into the tab in order, ending with the stored text", async ({ page, db }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await submitNewSession(page, { title: "Streaming" });
  await expect(page.getByRole("heading", { name: "Streaming" })).toBeVisible();
  const log = page.getByRole("log", { name: "Messages" });
  await expect(log).toContainText("No messages yet");

  // Record every text the agent's message shows while it streams.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __agentTexts: string[] }).__agentTexts = seen;
    const target = document.querySelector('[role="log"][aria-label="Messages"]');
    if (!target) throw new Error("no message log");
    new MutationObserver(() => {
      const articles = target.querySelectorAll('article[aria-label="Agent message"]');
      const text = articles[articles.length - 1]?.textContent ?? "";
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(target, { subtree: true, childList: true, characterData: true });
  });

  await page.getByRole("textbox", { name: "Message" }).fill(`${STREAM_MARKER}: greet me`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(log.getByText(`${STREAM_MARKER}: greet me`)).toBeVisible();
  await expect(log.getByRole("article", { name: "Agent message" }).last()).toHaveText(FINAL_TEXT, { timeout: 90_000 });

  const texts = await page.evaluate(() => (window as unknown as { __agentTexts: string[] }).__agentTexts);
  const streamed = texts.filter((t) => FINAL_TEXT.startsWith(t));
  // Deltas arrived one after another: several growing prefixes, never text out of order.
  expect(texts.every((t) => FINAL_TEXT.startsWith(t))).toBe(true);
  expect(streamed.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < streamed.length; i += 1) expect((streamed[i] ?? "").length).toBeGreaterThan((streamed[i - 1] ?? "").length);

  // What the browser shows is what the server stored.
  const session = await db.session.findFirstOrThrow({ where: { title: "Streaming" }, orderBy: { createdAt: "desc" } });
  const stored = await db.message.findMany({ where: { chat: { sessionId: session.id }, role: "assistant" } });
  const storedText = stored
    .flatMap((m) => JSON.parse(m.parts) as { type: string; text?: string }[])
    .filter((p) => p.type === "text")
    .map((p) => p.text ?? "")
    .join("");
  expect(storedText).toBe(FINAL_TEXT);

  // The task finished and the status line is gone; a reload shows the same text.
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
  if (process.env.BOOCHAT_UPDATE_SCREENSHOTS === "1") await page.screenshot({ path: "docs/images/chat-tab.png" });
  await page.reload();
  await expect(page.getByRole("log", { name: "Messages" }).getByRole("article", { name: "Agent message" }).last()).toHaveText(FINAL_TEXT);
});
