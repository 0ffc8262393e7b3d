import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { createBoochatClient } from "../cli/client";
import { runCli } from "../cli/run";
import { e2eApiToken, e2eSettings, expect, test } from "./fixtures";
import { SLOW_CHUNKS, SLOW_MARKER, STREAM_MARKER, STREAMED_CHUNKS } from "./support/scripted-model-script";

// The CLI as a user runs it: its `boochat` bin (bin/boochat.mjs) as a real child process, from the
// project folder, against the running e2e app (real opencode, scripted model) at BOOCHAT_URL; the
// --help test goes through `npx boochat`, the documented way in, once (npx alone costs a second or
// more per call). It reads the API
// token from the app's data folder (BOOCHAT_DATA_DIR), as it does from ./data in a real install.

const FINAL_TEXT = STREAMED_CHUNKS.join("");
const repoRoot = path.resolve(import.meta.dirname, "..");

type Run = { code: number | null; stdout: string; stderr: string; stdoutChunks: string[] };

/** Starts `boochat <args>` (the package's bin; `via: "npx"` through npx); `done` resolves when it exits. */
function boochat(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000, via: "bin" | "npx" = "bin") {
  const [command, prefix] = via === "npx" ? ["npx", ["boochat"]] : [process.execPath, [path.join(repoRoot, "bin", "boochat.mjs")]];
  const child = spawn(command, [...prefix, ...args], {
    cwd: repoRoot,
    env: { ...process.env, BOOCHAT_URL: baseUrl(), BOOCHAT_DATA_DIR: e2eSettings.dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: Run = { code: null, stdout: "", stderr: "", stdoutChunks: [] };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    run.stdout += chunk;
    run.stdoutChunks.push(chunk);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => void (run.stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<Run>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      run.code = code;
      resolve(run);
    });
  });
  return { run, done };
}

function baseUrl(): string {
  return test.info().project.use.baseURL ?? "";
}

function api() {
  return createBoochatClient({ url: baseUrl(), token: e2eApiToken(), tokenSource: "the e2e data folder" });
}

/** A port on 127.0.0.1 that nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test("boochat task --watch creates a task in the session, streams the reply and exits 0", async ({ db }) => {
  test.setTimeout(120_000);
  const session = await api().session.create.mutate({ title: "CLI streaming" });

  const { done } = boochat(["task", `${STREAM_MARKER}: greet me from the CLI`, "--session", session.id, "--watch"]);
  const result = await done;

  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toBe(`${FINAL_TEXT}\n`);
  // It streamed live (over chat.events, not by polling once a second): the reply's 16 chunks, 250 ms
  // apart, arrived in many pieces.
  expect(result.stderr).not.toContain("live stream lost");
  expect(result.stdoutChunks.length, JSON.stringify(result.stdoutChunks)).toBeGreaterThanOrEqual(6);
  const taskId = /Task (\S+) started in chat (\S+) of session (\S+)\./.exec(result.stderr);
  expect(taskId, result.stderr).not.toBeNull();
  expect(taskId?.[3]).toBe(session.id);
  expect(result.stderr).toContain(`Task ${taskId?.[1]} succeeded.`);

  const stored = await db.task.findUniqueOrThrow({ where: { id: taskId?.[1] ?? "" } });
  expect(stored).toMatchObject({ status: "succeeded", creator: "generic", sessionId: session.id, chatId: taskId?.[2] });
  const details = await api().task.get.query({ id: stored.id });
  expect(details.output).toBe(FINAL_TEXT);

  // The session is listed, and watching the finished task prints its stored reply again.
  const sessions = await boochat(["sessions"]).done;
  expect(sessions.code).toBe(0);
  expect(sessions.stdout).toMatch(/^ID\s+TITLE\s+BRANCH\s+CREATED\n/);
  expect(sessions.stdout).toMatch(new RegExp(`${session.id}\\s+CLI streaming\\s+-\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
  const asJson = await boochat(["sessions", "--json"]).done;
  expect((JSON.parse(asJson.stdout) as Array<{ id: string }>).map((s) => s.id)).toContain(session.id);
  const again = await boochat(["watch", stored.id]).done;
  expect(again.code).toBe(0);
  expect(again.stdout).toBe(`${FINAL_TEXT}\n`);
  const tooLate = await boochat(["cancel", stored.id]).done;
  expect(tooLate.code).toBe(0);
  expect(tooLate.stdout).toBe(`Task ${stored.id} had already ended: succeeded.\n`);
});

test("boochat hosts lists the one host of a single-machine install: local, reachable, its worktrees and load", async () => {
  const table = await boochat(["hosts"]).done;
  expect(table.code, table.stderr).toBe(0);
  expect(table.stdout).toMatch(/^HOST\s+STATE\s+WORKTREES\s+RUNNING\s+LOAD\s+OPENCODE\s+URL\n/);
  expect(table.stdout).toMatch(/\nlocal\s+reachable\s+\d+\s+\d+\s+\d+\.\d\d\s+beside the app\s+http:\/\/127\.0\.0\.1:\d+\n$/);
  expect(table.stderr).toBe("");
  const listed = JSON.parse((await boochat(["hosts", "--json"]).done).stdout) as unknown;
  expect(listed).toEqual([expect.objectContaining({ name: "local", kind: "sidecar", reachable: true, error: null })]);
});

test("boochat watch joining a run mid-stream prints the whole reply once", async () => {
  test.setTimeout(120_000);
  const started = await boochat(["task", `${STREAM_MARKER}: join me halfway`, "--json"]).done;
  expect(started.code, started.stderr).toBe(0);
  const { taskId } = JSON.parse(started.stdout) as { taskId: string };
  // Part of the reply is streamed (and stored) already, the rest is still to come.
  await expect.poll(async () => (await api().task.get.query({ id: taskId })).output ?? "", { timeout: 60_000, intervals: [100] }).not.toBe("");
  expect((await api().task.get.query({ id: taskId })).status).toBe("running");

  const watched = await boochat(["watch", taskId]).done;
  expect(watched.code, watched.stderr).toBe(0);
  expect(watched.stdout).toBe(`${FINAL_TEXT}\n`);
  expect(watched.stderr).toBe(`Task ${taskId} succeeded.\n`);
});

/** A reverse proxy to the app on 127.0.0.1 that breaks every live stream (`chat.events`) with a 502. */
async function proxyWithoutStreams(target: string) {
  const app = new URL(target);
  const server = http.createServer((req, res) => {
    if (req.url?.includes("chat.events")) {
      res.writeHead(502, { "content-type": "text/plain" }).end("no streams here");
      return;
    }
    const upstream = http.request(
      { host: app.hostname, port: app.port, method: req.method, path: req.url, headers: { ...req.headers, host: app.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("boochat watch still finishes when the live stream breaks: it polls the task instead", async () => {
  test.setTimeout(120_000);
  const proxy = await proxyWithoutStreams(baseUrl());
  try {
    const result = await boochat(["task", `${STREAM_MARKER}: no live stream`, "--watch"], { BOOCHAT_URL: proxy.url }).done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("(live stream lost: polling task");
    expect(result.stdout).toBe(`${FINAL_TEXT}\n`);
    expect(result.stderr).toMatch(/Task \S+ succeeded\.\n$/);
  } finally {
    await proxy.close();
  }
});

test("boochat cancel stops a running task; watch ends with exit 3", async ({ db }) => {
  test.setTimeout(120_000);
  // A long answer (about 30 s), so the cancel surely lands while it streams, even on a loaded machine.
  const started = await boochat(["task", `${SLOW_MARKER}: a reply to stop`, "--json"]).done;
  expect(started.code, started.stderr).toBe(0);
  const { taskId } = JSON.parse(started.stdout) as { taskId: string; chatId: string; sessionId: string | null };

  const watching = boochat(["watch", taskId]);
  await expect.poll(() => watching.run.stdout, { timeout: 60_000, intervals: [50] }).toContain("slow0");
  // The CLI's own code, in this process: a child's start-up (npx) could outlast the rest of the reply.
  const cancelled = { stdout: "", stderr: "" };
  const code = await runCli(["cancel", taskId], {
    stdout: { write: (chunk: string) => (cancelled.stdout += chunk) },
    stderr: { write: (chunk: string) => (cancelled.stderr += chunk) },
    env: { BOOCHAT_URL: baseUrl(), BOOCHAT_DATA_DIR: e2eSettings.dataDir },
  });
  expect(code, cancelled.stderr).toBe(0);
  expect(cancelled.stdout).toBe(`Task ${taskId} cancelled.\n`);

  const watched = await watching.done;
  expect(watched.code, watched.stderr).toBe(3);
  expect(watched.stderr).toContain(`Task ${taskId} was cancelled.`);
  // What was streamed before the stop, and nothing after it.
  expect(SLOW_CHUNKS.join("").startsWith(watched.stdout.trimEnd())).toBe(true);
  expect(watched.stdout.length).toBeLessThan(SLOW_CHUNKS.join("").length);
  expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("cancelled");
});

test("a session that does not exist: a clear message naming it, exit 1, no task", async ({ db }) => {
  const before = await db.task.count();
  const result = await boochat(["task", "hello", "--session", "no-such-session", "--watch"]).done;
  expect(result.code).toBe(1);
  expect(result.stderr).toBe("boochat: Session no-such-session does not exist\n");
  expect(result.stdout).toBe("");
  expect(await db.task.count()).toBe(before);

  const watch = await boochat(["watch", "no-such-task"]).done;
  expect(watch.code).toBe(1);
  expect(watch.stderr).toBe("boochat: Task no-such-task does not exist\n");
});

test("an app that is not running: says so, with the URL, exit 1", async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const result = await boochat(["sessions"], { BOOCHAT_URL: url }).done;
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(new RegExp(`^boochat: Cannot reach BooChat at ${url}: .*ECONNREFUSED.*\\. Is it running \\(npm start\\)\\?\\n$`));

  const badUrl = await boochat(["sessions"], { BOOCHAT_URL: "localhost:3000" }).done;
  expect(badUrl.code).toBe(1);
  expect(badUrl.stderr).toContain("BOOCHAT_URL must start with http:// or https://");
});

test("--help lists the commands and exits 0; an unknown command or option is named, exit 1", async () => {
  const help = await boochat(["--help"], {}, 90_000, "npx").done;
  expect(help.code).toBe(0);
  for (const command of ["task", "sessions", "hosts", "watch", "cancel"]) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\s`, "m"));
  expect(help.stdout).toContain("BOOCHAT_URL");

  const taskHelp = await boochat(["task", "--help"]).done;
  expect(taskHelp.code).toBe(0);
  expect(taskHelp.stdout).toContain("--session <id>");

  const unknown = await boochat(["frobnicate"]).done;
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('Unknown command "frobnicate"');

  const badFlag = await boochat(["sessions", "--all"]).done;
  expect(badFlag.code).toBe(1);
  expect(badFlag.stderr).toContain("Unknown option --all for boochat sessions");
});
