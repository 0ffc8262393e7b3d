import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { HostLostError, runExternalAgentOnHost } from "./host-agent-run";
import type { HostConfig } from "./hosts-config";

// The web app's side of an external agent on a host service, against a host whose stream the test
// writes line by line (the real host service is in tests/hosts/external-agents-on-hosts.test.ts);
// time is the fake clock's.

const host: HostConfig = { name: "B", url: "http://b.example:7000", token: "t".repeat(32), kind: "host-service" };
const agent = { name: "aider", command: ["aider"], prompt: "stdin" as const, env: {} };
const RUN = "11111111-2222-4333-8444-555555555555";

/** A host: its run stream (the test writes lines to it) and the requests it was sent. */
function fakeHost() {
  let stream!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (stream = controller) });
  const requests: Array<{ route: string; body: unknown }> = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const route = new URL(String(url)).pathname;
    requests.push({ route, body: JSON.parse(String(init?.body)) });
    if (route === "/v1/agents/run") return new Response(body, { status: 200 });
    return Response.json({ run: RUN, stopping: true });
  }) as unknown as typeof globalThis.fetch;
  const send = (line: object) => stream.enqueue(new TextEncoder().encode(`${JSON.stringify(line)}\n`));
  return { fetch, requests, send };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

it("a host that stays silent past the loss timeout, heartbeats aside, is lost in words that name it", async () => {
  const b = fakeHost();
  const output: string[] = [];
  const run = runExternalAgentOnHost(host, { agent, prompt: "p", directory: "/w", onOutput: (_s, text) => output.push(text), lossTimeoutMs: 3_000, fetch: b.fetch });
  const failure = run.catch((error: unknown) => error);
  b.send({ type: "started", run: RUN });
  b.send({ type: "output", stream: "stdout", text: "working\n" });
  // Ten seconds of heartbeats, each within the timeout: nothing is lost.
  for (let second = 0; second < 10; second += 2) {
    await vi.advanceTimersByTimeAsync(2_000);
    b.send({ type: "alive" });
  }
  await vi.advanceTimersByTimeAsync(2_999);
  expect(await Promise.race([failure, "still running"])).toBe("still running");
  await vi.advanceTimersByTimeAsync(1);
  const error = await failure;
  expect(error).toBeInstanceOf(HostLostError);
  expect((error as Error).message).toBe('host "B" (http://b.example:7000) was lost while aider was running (it did not answer for 3 s); the host stops the agent when it is back');
  expect(output).toEqual(["working\n"]);
});

it("Stop asks the host to stop that run, and the result is the host's cancelled exit", async () => {
  const b = fakeHost();
  const stop = new AbortController();
  const run = runExternalAgentOnHost(host, { agent, prompt: "p", directory: "/w", signal: stop.signal, onOutput: () => undefined, lossTimeoutMs: 3_000, fetch: b.fetch });
  b.send({ type: "started", run: RUN });
  await vi.advanceTimersByTimeAsync(10);
  stop.abort("Stopped");
  await vi.advanceTimersByTimeAsync(10);
  expect(b.requests.at(-1)).toEqual({ route: "/v1/agents/stop", body: { run: RUN } });
  b.send({ type: "exit", exitCode: null, signal: "SIGTERM", cancelled: true, stderrTail: "" });
  await expect(run).resolves.toEqual({ exitCode: null, signal: "SIGTERM", cancelled: true, stderrTail: "" });
});

it("an agent the host could not start fails with the host's words; a stderr tail comes from the exit", async () => {
  const b = fakeHost();
  const run = runExternalAgentOnHost(host, { agent, prompt: "p", directory: "/w", onOutput: () => undefined, lossTimeoutMs: 3_000, fetch: b.fetch });
  b.send({ type: "started", run: RUN });
  b.send({ type: "failed", message: "spawn aider ENOENT" });
  await expect(run).rejects.toThrow("spawn aider ENOENT");
  // The host is asked to say `alive` three times within the loss timeout.
  expect(b.requests[0]).toEqual({ route: "/v1/agents/run", body: { agent, prompt: "p", directory: "/w", heartbeatMs: 1_000 } });
});
