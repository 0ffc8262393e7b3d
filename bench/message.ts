import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { spawn } from "node:child_process";
import { buildOpencodeConfig } from "../server/agents/opencode/opencode-config";
import { createOpencodeServer } from "../server/agents/opencode/opencode-process";
import { createAgentRuntime } from "../server/agents/runtime";
import { createDb, tuneDb } from "../server/db";
import { createChat } from "../server/services/chat/create-chat";
import { followChat } from "../server/services/chat/follow-chat";
import { sendMessage } from "../server/services/chat/send-message";
import { scriptRemote, type ScriptStep } from "../tests/helpers/scripted-model-server";
import { scriptedSettings, waitForTask } from "../tests/helpers/opencode-process";

/**
 * `npm run bench -- message [--runs=15]`: time from `sendMessage` to the first streamed token
 * reaching a chat subscriber, against the same prompt sent straight to opencode through the SDK
 * (promptAsync + its global event stream) on the same opencode serve and the same scripted model,
 * interleaved in one run. Target: BooChat adds at most 20 ms at the median. It exits by itself:
 * everything it starts (opencode, the model server, both event streams) is stopped at the end.
 */

type Options = { runs: number };

function parseOptions(args: string[]): Options {
  const options: Options = { runs: 15 };
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    if (key === "runs" && value) options.runs = Math.max(3, Number(value));
  }
  return options;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const repoRoot = path.resolve(import.meta.dirname, "..");
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-bench-message-"));
  const dbFile = path.join(base, "bench.db");
  await execa("prisma", ["migrate", "deploy"], { cwd: repoRoot, preferLocal: true, env: { DATABASE_URL: `file:${dbFile}` } });
  const db = createDb(`file:${dbFile}`);
  // As the app runs its database (getDb): its commits are part of what is measured.
  await tuneDb(db);
  // The model server runs in a process of its own, as a real provider would: BooChat's own work
  // (database commits block its process) must not slow the model down and blur the comparison.
  const modelProcess = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "tests", "helpers", "scripted-model-server.ts")], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const modelUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    modelProcess.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    modelProcess.once("exit", () => reject(new Error("the scripted model server did not start")));
  });
  const model = { url: modelUrl, script: (marker: string, steps: ScriptStep[]) => scriptRemote(modelUrl, marker, steps) };
  const dataDir = path.join(base, "data");
  const settings = scriptedSettings(model.url, dataDir);
  const opencode = createOpencodeServer({ dataDir, config: buildOpencodeConfig(settings) });
  const runtime = createAgentRuntime({ db, settings, opencode, scratchDir: path.join(dataDir, "scratch") });
  // The direct path's own SDK subscription: the SDK reconnects for ever unless its signal ends it.
  const directStream = new AbortController();

  try {
    console.log("starting opencode serve…");
    await runtime.start();
    const client = opencode.client;
    const benchSession = await db.session.create({ data: { title: "bench" } });
    const chat = await db.chat.create({ data: { title: "bench", sessionId: benchSession.id } });
    const direct = path.join(dataDir, "direct");
    await fs.mkdir(direct, { recursive: true });
    const directSession = await client.session.create({ directory: direct, title: "bench direct" });
    if (!directSession.data) throw new Error("opencode could not create the direct session");
    const directId = directSession.data.id;

    // The SDK's own subscription for the direct path: first delta of the direct session.
    const waiting: { token: ((at: number) => void) | null; idle: (() => void) | null } = { token: null, idle: null };
    const stream = await client.global.event({ signal: directStream.signal });
    void (async () => {
      for await (const { payload } of stream.stream) {
        if (payload.type === "message.part.delta" && payload.properties.sessionID === directId && waiting.token) {
          waiting.token(performance.now());
          waiting.token = null;
        }
        if (payload.type === "session.idle" && payload.properties.sessionID === directId) waiting.idle?.();
      }
    })();

    const answer = (i: number) => ["first ", "token ", `run ${i} `, "done"];
    async function viaBooChat(i: number | string, chatId = chat.id): Promise<number> {
      await model.script(`BENCH-BOO-${i}`, [{ text: answer(Number(i) || 0), chunkDelayMs: 5 }]);
      const iterator = followChat({ agents: runtime }, chatId)[Symbol.asyncIterator]();
      const start = performance.now();
      const { taskId } = await sendMessage({ agents: runtime }, { chatId, text: `BENCH-BOO-${i}` });
      let first = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done) throw new Error("subscription ended");
        if (next.value.event.type === "delta") {
          first = performance.now();
          break;
        }
      }
      await iterator.return?.();
      const task = await waitForTask(db, taskId);
      if (task.status !== "succeeded") throw new Error(`BooChat run ${i} ended ${task.status}: ${task.error}`);
      return first - start;
    }

    async function viaSdk(i: number): Promise<number> {
      await model.script(`BENCH-SDK-${i}`, [{ text: answer(i), chunkDelayMs: 5 }]);
      const firstToken = new Promise<number>((resolve) => {
        waiting.token = resolve;
      });
      const idle = new Promise<void>((resolve) => {
        waiting.idle = resolve;
      });
      const start = performance.now();
      const sent = await client.session.promptAsync({
        sessionID: directId,
        directory: direct,
        parts: [{ type: "text", text: `BENCH-SDK-${i}` }],
        model: { providerID: "mock", modelID: "mock-1" },
        agent: "build",
      });
      if (sent.error) throw new Error("opencode refused the direct prompt");
      const first = await firstToken;
      await idle;
      return first - start;
    }

    // Warm-up: the first run of each path pays for session creation and opencode's instance boot.
    await viaBooChat(-1);
    await viaSdk(-1);
    const boo: number[] = [];
    const sdk: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      if (i % 2 === 0) {
        boo.push(await viaBooChat(i));
        sdk.push(await viaSdk(i));
      } else {
        sdk.push(await viaSdk(i));
        boo.push(await viaBooChat(i));
      }
    }
    // The first message of a new tab of the session, opened the way the app opens one (its context
    // prepared while the user types: here, until it is ready).
    const firsts: number[] = [];
    for (let i = 0; i < Math.max(3, Math.round(options.runs / 3)); i++) {
      const tab = await createChat({ db, agents: runtime }, { sessionId: benchSession.id });
      await runtime.prepareChat(tab.id);
      firsts.push(await viaBooChat(`first-${i}`, tab.id));
    }
    const added = median(boo) - median(sdk);
    const firstRatio = median(firsts) / median(boo);
    console.log(`message → first token at a subscriber, ${options.runs} runs each (same opencode, same scripted model):`);
    console.log(`  opencode directly (SDK): median ${ms(median(sdk))}, p90 ${ms(percentile(sdk, 0.9))}`);
    console.log(`  BooChat sendMessage:     median ${ms(median(boo))}, p90 ${ms(percentile(boo, 0.9))}`);
    console.log(`  added by BooChat at the median: ${ms(added)} (target ≤ 20 ms): ${added <= 20 ? "OK" : "OVER TARGET"}`);
    console.log(
      `  first message of a new tab: median ${ms(median(firsts))} against ${ms(median(boo))} for a later message: ${firstRatio.toFixed(2)}x (target ≤ 1.5x): ${firstRatio <= 1.5 ? "OK" : "OVER TARGET"}`,
    );
  } finally {
    directStream.abort();
    await runtime.stop();
    modelProcess.kill();
    await db.$disconnect();
    await fs.rm(base, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
