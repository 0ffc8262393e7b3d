import fs from "node:fs/promises";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, test } from "./fixtures";
import { seedConversation, sessionItem, trpcMutation } from "./ui-helpers";

// axe-core over every main view, in both themes, on a phone and a laptop: zero violations of any
// impact (WCAG rules and axe's best practices alike).

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
});
test.afterAll(async () => {
  await repo.cleanup();
});

const MARKDOWN = [
  "## The plan",
  "",
  "1. Read `parser.ts`",
  "2. Fix the **off-by-one**, see [the issue](https://example.com/issue/1)",
  "",
  "```ts",
  "export function next(index: number): number {",
  "  return index + 1; // was index + 2",
  "}",
  "```",
  "",
  "| file | change |",
  "| --- | --- |",
  "| parser.ts | one line |",
].join("\n");

/** Every violation axe finds, one line each, so a failure reads as a list of what to fix. */
async function expectAccessible(page: Page, view: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const lines = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect.soft(lines, `axe in ${view}`).toEqual([]);
}

type Session = { id: string; worktree: { path: string } | null };

const sizes = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "laptop", viewport: { width: 1280, height: 800 } },
] as const;

for (const { name, viewport } of sizes) {
  test.describe(name, () => {
    test.use({ viewport });

    test(`${name}: every main view passes axe in both themes`, async ({ page, request, db }) => {
      test.setTimeout(240_000);
      // A chat with two tabs and a Markdown answer, an arena that has finished, a worktree with
      // uncommitted work (for the block dialog) and an orphaned worktree.
      const chat = await trpcMutation<Session>(request, "session.create", { title: `Axe chat ${name}` });
      await trpcMutation(request, "chat.create", { sessionId: chat.id });
      const firstTab = await db.chat.findFirstOrThrow({ where: { sessionId: chat.id, title: "Tab 1" } });
      await seedConversation(db, firstTab.id, [
        { role: "user", text: "How do we fix the parser?" },
        { role: "assistant", text: MARKDOWN },
      ]);
      const worked = await trpcMutation<Session>(request, "session.create", { title: `Axe arena ${name}`, repoPath: repo.repo });
      const arena = await trpcMutation<{ id: string }>(request, "arena.create", { sessionId: worked.id, prompt: "Compare", agents: ["opencode", "opencode"] });
      await fs.writeFile(path.join(worked.worktree?.path ?? "", "notes.md"), "unsaved\n");
      // The arena's agents finish first: running agents would answer the delete before its risk check.
      await expect.poll(() => db.task.count({ where: { status: { in: ["queued", "running"] } } }), { timeout: 90_000 }).toBe(0);
      const orphaned = await trpcMutation<Session>(request, "session.create", { title: `Axe orphan ${name}`, repoPath: repo.repo });
      await trpcMutation(request, "session.delete", { id: orphaned.id, force: true });

      for (const theme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: theme });
        const at = (view: string) => `${view} (${name}, ${theme})`;

        await page.goto("/");
        await expect(page.getByRole("navigation", { name: "Sessions" })).toContainText(`Axe chat ${name}`);
        await expectAccessible(page, at("home"));

        await page.getByRole("button", { name: "Clean up sessions" }).click();
        await expect(page.getByRole("dialog", { name: "Clean up sessions" })).not.toContainText("Checking the worktrees");
        await expectAccessible(page, at("clean-up dialog"));
        await page.keyboard.press("Escape");

        await page.getByRole("button", { name: "New session" }).click();
        await expect(page.getByRole("dialog", { name: "New session" })).toBeVisible();
        await expectAccessible(page, at("new-session dialog"));
        await page.keyboard.press("Escape");
        await expect(page.getByRole("button", { name: "New session" })).toBeFocused();

        const orphan = page.getByRole("region", { name: "Orphaned worktrees" }).getByRole("listitem", { name: orphaned.worktree?.path ?? "" });
        await orphan.getByRole("button", { name: "Open" }).click();
        await expect(page.getByRole("dialog", { name: "Orphaned worktree" })).toContainText("Status: clean");
        await expectAccessible(page, at("orphan dialog"));
        await page.keyboard.press("Escape");

        await sessionItem(page, `Axe arena ${name}`).getByRole("button", { name: "Delete session" }).click();
        await expect(page.getByRole("alertdialog", { name: `Delete “Axe arena ${name}”?` })).toBeVisible();
        await expectAccessible(page, at("delete confirmation"));
        await page.getByRole("alertdialog").getByRole("button", { name: "Delete session" }).click();
        const block = page.getByRole("alertdialog", { name: "This session has work that would be lost" });
        await expect(block).toContainText("notes.md");
        await expectAccessible(page, at("block dialog"));
        await block.getByRole("button", { name: "Force", exact: true }).click();
        await expect(page.getByRole("alertdialog", { name: /^Force the delete of / })).toBeVisible();
        await expectAccessible(page, at("force confirmation"));
        await page.keyboard.press("Escape");
        await block.getByRole("button", { name: "Cancel" }).click();

        await page.goto(`/sessions/${chat.id}`);
        await expect(page.getByRole("article", { name: "Agent message" }).locator(".hljs-keyword").first()).toBeVisible();
        await expectAccessible(page, at("session with tabs and messages"));
        await page.getByRole("button", { name: "Skills" }).click();
        await expect(page.getByRole("menu")).toBeVisible();
        await expectAccessible(page, at("skills menu"));
        await page.keyboard.press("Escape");
        await page.getByRole("button", { name: "Close tab Tab 1" }).click();
        await expect(page.getByRole("alertdialog", { name: "Close “Tab 1”?" })).toBeVisible();
        await expectAccessible(page, at("close-tab confirmation"));
        await page.keyboard.press("Escape");

        await page.goto(`/sessions/${worked.id}?arena=${arena.id}`);
        const entries = page.getByRole("region", { name: /^Arena entry / });
        for (const index of [0, 1]) await expect(entries.nth(index).getByText(/ · done · /)).toBeVisible({ timeout: 60_000 });
        await expectAccessible(page, at("arena"));
        await page.getByRole("button", { name: "Compare" }).click();
        await expect(page.getByRole("region", { name: "Compare entries" })).toContainText("Neither entry changed a file");
        await expectAccessible(page, at("arena compare"));

        // The Finish panel, opened (the worktree holds uncommitted work: Commit is next).
        await page.goto(`/sessions/${worked.id}`);
        await page.getByRole("region", { name: "Finish" }).getByRole("button", { name: "Finish" }).click();
        await expect(page.getByRole("list", { name: "Steps to finish" }).getByRole("button", { name: "Commit" })).toBeVisible();
        await expectAccessible(page, at("finish panel"));

        // The Changes view with a comment being written, in both layouts.
        await page.goto(`/sessions/${worked.id}/changes`);
        const notes = page.getByRole("region", { name: "Diff of notes.md" });
        await notes.getByRole("button", { name: "Comment on notes.md line 1" }).click();
        await expect(page.getByLabel("Comment on notes.md:1")).toBeFocused();
        await expectAccessible(page, at("changes view"));
        await page.getByRole("button", { name: "Split" }).click();
        await expect(page.getByRole("button", { name: "Split" })).toHaveAttribute("aria-pressed", "true");
        await expectAccessible(page, at("changes view, split"));
        await page.getByRole("button", { name: "Unified" }).click();

      }
    });
  });
}
