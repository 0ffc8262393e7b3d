import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createDb } from "../server/db";
import { createSidecarClient } from "../server/sidecar-client";
import { createContextInner } from "../server/trpc/init";
import { createCaller } from "../server/trpc/routers/_app";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { startSidecar } from "../tests/helpers/sidecar-process";
import { migratedDatabase } from "./migrated-db";

/**
 * `npm run bench -- delete [--sessions=10000] [--chatOnly=200] [--worktrees=15]`
 *
 * With 10,000 sessions in the database:
 * - chat-only `session.delete` latency, against the floor of a bare Prisma delete of the same kind
 *   of row in the same database;
 * - `session.delete` of a session with a clean worktree, against the sidecar's own remove of an
 *   equivalent clean worktree over HTTP (target ratio <= 1.3). Runs alternate, so drift hits both.
 */

type Options = { sessions: number; chatOnly: number; worktrees: number };

function parseOptions(args: string[]): Options {
  const options: Options = { sessions: 10_000, chatOnly: 200, worktrees: 15 };
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg}: expected --name=<positive integer>`);
    if (key === "sessions") options.sessions = n;
    else if (key === "chatOnly") options.chatOnly = n;
    else if (key === "worktrees") options.worktrees = n;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))] ?? 0;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** A migrated database holding `count` chat-only sessions with one tab each (seeded in one transaction). */
async function seededDatabase(dir: string, count: number): Promise<string> {
  const { file, url } = await migratedDatabase(dir);
  const sqlite = new Database(file);
  const now = new Date().toISOString();
  const insertSession = sqlite.prepare("INSERT INTO sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)");
  const insertChat = sqlite.prepare("INSERT INTO chats (id, session_id, title, agent, position, created_at) VALUES (?, ?, 'Tab 1', 'opencode', 0, ?)");
  sqlite.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      insertSession.run(`bench-s-${i}`, `Session ${i}`, now, now);
      insertChat.run(`bench-c-${i}`, `bench-s-${i}`, now);
    }
  })();
  sqlite.close();
  return url;
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-bench-delete-"));
  const repo = await makeUserRepo();
  const sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
  const url = await seededDatabase(dir, options.sessions);
  const db = createDb(url);
  try {
    const client = createSidecarClient({ url: sidecar.url, token: sidecar.token });
    const caller = createCaller(createContextInner({ db, sidecar: client }));
    console.log(`delete bench: ${await db.session.count()} sessions in the database, node ${process.version}`);

    // Warm-up: the first queries compile and open everything.
    await caller.session.delete({ id: "bench-s-0" });
    await db.session.delete({ where: { id: "bench-s-1" } });

    const chatOnly: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < options.chatOnly; i += 1) {
      const a = 2 + 2 * i;
      chatOnly.push(await timed(() => caller.session.delete({ id: `bench-s-${a}` })));
      floor.push(await timed(() => db.session.delete({ where: { id: `bench-s-${a + 1}` } })));
    }

    const gated: number[] = [];
    const sidecarRemove: number[] = [];
    for (let i = 0; i < options.worktrees; i += 1) {
      const session = await caller.session.create({ title: `bench ${i}`, repoPath: repo.repo });
      const direct = await client.createWorktree({ sessionId: `bench-direct-${i}`, repoPath: repo.repo, branch: `bench/direct-${i}` });
      gated.push(await timed(() => caller.session.delete({ id: session.id })));
      sidecarRemove.push(
        await timed(async () => {
          const result = await client.remove({ path: direct.path });
          if (!result.removed) throw new Error(`the baseline worktree was not clean: ${JSON.stringify(result.reports)}`);
        }),
      );
    }

    const fmt = (n: number) => n.toFixed(2).padStart(8);
    console.log("");
    console.log("| measurement | median ms | p95 ms | baseline median ms | ratio |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    console.log(`| chat-only session.delete (${options.chatOnly} runs) vs bare Prisma delete | ${fmt(median(chatOnly))} | ${fmt(p95(chatOnly))} | ${fmt(median(floor))} | ${(median(chatOnly) / median(floor)).toFixed(2)} |`);
    console.log(`| clean-worktree session.delete (${options.worktrees} runs) vs sidecar remove over HTTP | ${fmt(median(gated))} | ${fmt(p95(gated))} | ${fmt(median(sidecarRemove))} | ${(median(gated) / median(sidecarRemove)).toFixed(2)} |`);
    const ratio = median(gated) / median(sidecarRemove);
    console.log("");
    console.log(`target: clean-worktree delete <= 1.3x the sidecar's own remove: ${ratio <= 1.3 ? "met" : "NOT met"} (${ratio.toFixed(2)})`);
  } finally {
    await db.$disconnect();
    await sidecar.stop();
    await repo.cleanup();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
