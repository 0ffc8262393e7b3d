import fs from "node:fs/promises";
import path from "node:path";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { expect, test } from "./fixtures";
import { ARENA_WRITE_MARKER } from "./support/scripted-model-script";
import { trpcMutation } from "./ui-helpers";

// An arena to a result (issue 18): each entry's evidence, two entries compared file by file, and
// the losers deleted through the gate (one holding work is kept and shown, the clean one goes).
// The entries' chats follow ONE event stream.

type Repo = Awaited<ReturnType<typeof makeUserRepo>>;
type Arena = { id: string; entries: Array<{ sessionId: string; title: string; chatId: string | null; worktreePath: string | null }> };
let repo: Repo;
test.beforeAll(async () => {
  repo = await makeUserRepo();
  // The repository's own check, on main: it shows the entry's answer and fails on purpose.
  await fs.mkdir(path.join(repo.repo, ".boochat"));
  await fs.writeFile(path.join(repo.repo, ".boochat", "arena.json"), JSON.stringify({ check: ["sh", "-c", "cat answer.txt; exit 3"] }));
  await repo.git(repo.repo, "add", ".boochat/arena.json");
  await repo.git(repo.repo, "commit", "-q", "-m", "an arena check");
  await repo.git(repo.repo, "push", "-q", "origin", "HEAD:main");
});
test.afterAll(async () => {
  await repo.cleanup();
});

test("an arena shows each entry's evidence, compares two entries, and deletes the clean loser while keeping the dirty one", async ({ page, request, db }) => {
  test.setTimeout(180_000);
  const session = await trpcMutation<{ id: string; worktree: { path: string } }>(request, "session.create", { title: "Arena to a result", repoPath: repo.repo });
  const arena = await trpcMutation<Arena>(request, "arena.create", {
    sessionId: session.id,
    prompt: `${ARENA_WRITE_MARKER}: write your answer`,
    agents: ["opencode", "opencode", "opencode"],
  });
  const streams: string[] = [];
  page.on("request", (r) => {
    if (/\/api\/trpc\/(chat\.events|chat\.eventsOf|sessionEvents\.onChange)\?/.test(r.url())) streams.push(new URL(r.url()).pathname);
  });
  await page.goto(`/sessions/${session.id}?arena=${arena.id}`);
  const entries = page.getByRole("region", { name: /^Arena entry / });
  await expect(entries).toHaveCount(3);
  for (const entry of arena.entries) {
    const evidence = page.getByRole("group", { name: `Evidence of ${entry.title}` });
    await expect(evidence).toContainText(/^done · in \d+/, { timeout: 90_000 });
    await expect(evidence).toContainText("1 file changed");
    await expect(evidence).toContainText("+1");
    await expect(evidence).toContainText("Check failed (exit code 3)");
  }
  const first = arena.entries[0]?.title ?? "";
  await page.getByRole("button", { name: `Show the check's output for ${first}` }).click();
  await expect(page.getByRole("region", { name: `Arena entry ${first}` }).getByLabel(`The check's output for ${first}`, { exact: true })).toContainText("an answer written in");
  // One stream for the three chats, one for the session events; none per chat.
  expect(streams.filter((p) => p.endsWith("chat.events"))).toEqual([]);
  expect(streams.filter((p) => p.endsWith("chat.eventsOf")).length).toBeGreaterThanOrEqual(1);

  const [winner, dirtyLoser, cleanLoser] = arena.entries;
  if (!winner?.chatId || !dirtyLoser?.worktreePath || !cleanLoser?.worktreePath) throw new Error("the arena has no three entries");
  await fs.writeFile(path.join(dirtyLoser.worktreePath, "extra.md"), "kept for later\n");
  // The third loser's answer is thrown away from outside: nothing in it would be lost.
  await fs.rm(path.join(cleanLoser.worktreePath, "answer.txt"));

  await page.getByRole("button", { name: "Compare" }).click();
  const compare = page.getByRole("region", { name: "Compare entries" });
  await compare.getByLabel("Left").selectOption({ label: winner.title });
  await compare.getByLabel("Right").selectOption({ label: dirtyLoser.title });
  await expect(compare.getByRole("group", { name: "Compare answer.txt" }).getByRole("region", { name: "Diff of answer.txt" })).toHaveCount(2);
  const extra = compare.getByRole("group", { name: "Compare extra.md" });
  await expect(extra.getByRole("group", { name: `extra.md in ${winner.title}` })).toContainText(`Unchanged in ${winner.title}`);
  await expect(extra.getByRole("group", { name: `extra.md in ${dirtyLoser.title}` }).getByRole("region", { name: "Diff of extra.md" })).toBeVisible();
  await page.getByRole("button", { name: "Show the chats" }).click();

  await page.getByRole("button", { name: `Mark ${winner.title} as winner` }).click();

  // Merge into session: refused while the session's worktree holds uncommitted work, then done.
  const winnerPath = arena.entries[0]?.worktreePath ?? "";
  await repo.git(winnerPath, "add", "answer.txt");
  await repo.git(winnerPath, "commit", "-q", "-m", "the winning answer");
  await fs.writeFile(path.join(session.worktree.path, "wip.md"), "in progress\n");
  await page.getByRole("button", { name: "Merge into session" }).click();
  const mergeRefusal = page.getByRole("alert").filter({ hasText: "Nothing was merged" });
  await expect(mergeRefusal).toContainText("wip.md");
  await fs.rm(path.join(session.worktree.path, "wip.md"));
  await page.getByRole("button", { name: "Merge into session" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Merged:" })).toContainText("fast-forwarded");
  expect(await fs.readFile(path.join(session.worktree.path, "answer.txt"), "utf8")).toContain("an answer written in");

  await page.getByRole("button", { name: "Delete the other entries" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "would be lost" });
  await expect(refusal).toContainText(`“${dirtyLoser.title}”`);
  await expect(refusal).toContainText("extra.md");
  await expect(refusal).toContainText("1 other entry was deleted");
  await expect.poll(() => db.session.count({ where: { id: cleanLoser.sessionId } })).toBe(0);
  expect(await db.session.count({ where: { id: dirtyLoser.sessionId } })).toBe(1);
  await expect(page.getByRole("region", { name: `Arena entry ${cleanLoser.title}` })).toHaveCount(0);
});
