import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

/**
 * An OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1 driven by a per-test script,
 * so the real `opencode serve` can run offline and really execute the tool calls it is handed.
 *
 * A script is picked by the text of the last user message (the prompt a task sent); which step
 * of it answers is the number of assistant turns after that user message. So a `write` step
 * answers the prompt, opencode runs the tool and calls back, and the next step answers that:
 * no hidden state, and two sessions talking at once each follow their own script.
 * Requests no script claims (opencode's title requests) get a short plain text.
 */
export type ScriptStep = FixedStep | ((request: ScriptedRequest) => FixedStep);

/** What a step computed from the request sees (e.g. an id the system prompt carries, the tools offered). */
export type ScriptedRequest = { lastUserText: string; systemText: string; toolNames: string[]; model: string };

type FixedStep =
  | { text: string | string[]; chunkDelayMs?: number; firstChunkDelayMs?: number }
  | { tool: string; args: Record<string, unknown> }
  | { status: number; message: string }
  /** Sends one chunk of `text` and then nothing until the client goes away. */
  | { hangAfter: string };

export type RecordedRequest = {
  at: number;
  stream: boolean;
  lastUserText: string;
  step: number | null;
  hasTools: boolean;
  /** The model the request named (`mock-1`, …). */
  model: string;
};

type Rule = { match: (prompt: string) => boolean; steps: ScriptStep[] };

export type ScriptedModelServer = {
  /** Base URL for an OpenAI-compatible provider: `http://127.0.0.1:<port>/v1`. */
  url: string;
  port: number;
  /** Answers prompts containing `marker` with these steps (later rules win over earlier ones). */
  script(marker: string, steps: ScriptStep[]): void;
  requests: RecordedRequest[];
  /** Resolves when a request for `marker` reaches step `step` (the response has started). */
  waitForStep(marker: string, step: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown };

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((item) => (item && typeof item === "object" && "text" in item && typeof item.text === "string" ? item.text : ""))
      .join("");
  }
  return "";
}

function chunk(id: string, delta: Record<string, unknown>, finish: string | null) {
  return {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: "mock-1",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startScriptedModelServer(options: { port?: number } = {}): Promise<ScriptedModelServer> {
  const rules: Rule[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ marker: string; step: number; resolve: () => void }> = [];
  const sockets = new Set<import("node:net").Socket>();
  let counter = 0;

  function notify(prompt: string, step: number) {
    for (const waiter of [...waiters]) {
      if (prompt.includes(waiter.marker) && step >= waiter.step) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  async function respond(res: http.ServerResponse, body: { stream?: boolean; messages?: ChatMessage[]; tools?: unknown[]; model?: string }) {
    const messages = body.messages ?? [];
    let lastUser = -1;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]?.role === "user") {
        lastUser = i;
        break;
      }
    }
    const lastUserText = lastUser >= 0 ? textOf(messages[lastUser]?.content) : "";
    const step = messages.slice(lastUser + 1).filter((m) => m.role === "assistant").length;
    const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
    const rule = hasTools ? [...rules].reverse().find((r) => r.match(lastUserText)) : undefined;
    const scripted = rule?.steps[step];
    const model = typeof body.model === "string" ? body.model : "";
    requests.push({ at: Date.now(), stream: body.stream === true, lastUserText, step: scripted ? step : null, hasTools, model });
    const id = `chatcmpl-${++counter}`;
    const action: FixedStep =
      typeof scripted === "function"
        ? scripted({
            lastUserText,
            systemText: messages.filter((m) => m.role === "system").map((m) => textOf(m.content)).join("\n"),
            toolNames: (body.tools ?? []).map((t) => (t as { function?: { name?: string } }).function?.name ?? ""),
            model,
          })
        : (scripted ?? { text: "Done." });

    if ("status" in action) {
      notify(lastUserText, step);
      res.writeHead(action.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: action.message, type: "server_error", code: null } }));
      return;
    }

    if (body.stream !== true) {
      const content = "text" in action ? [action.text].flat().join("") : "hangAfter" in action ? action.hangAfter : "";
      const toolCalls =
        "tool" in action
          ? [{ id: `call_${counter}`, type: "function", function: { name: action.tool, arguments: JSON.stringify(action.args) } }]
          : undefined;
      notify(lastUserText, step);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: "mock-1",
          choices: [{ index: 0, message: { role: "assistant", content, tool_calls: toolCalls }, finish_reason: toolCalls ? "tool_calls" : "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
      return;
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    // The response's close (not the request's, which fires once the body is read) means the client left.
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    const send = (data: unknown) => {
      if (!closed) res.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    notify(lastUserText, step);

    if ("hangAfter" in action) {
      send(chunk(id, { role: "assistant", content: action.hangAfter }, null));
      return; // left open until the client aborts or the server closes
    }

    if ("tool" in action) {
      send(chunk(id, { role: "assistant", content: null }, null));
      send(
        chunk(
          id,
          { tool_calls: [{ index: 0, id: `call_${counter}`, type: "function", function: { name: action.tool, arguments: JSON.stringify(action.args) } }] },
          null,
        ),
      );
      send({ ...chunk(id, {}, "tool_calls"), usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
    } else {
      const pieces = [action.text].flat();
      if (action.firstChunkDelayMs) await sleep(action.firstChunkDelayMs);
      for (const [index, piece] of pieces.entries()) {
        if (closed) return;
        if (index > 0 && action.chunkDelayMs) await sleep(action.chunkDelayMs);
        send(chunk(id, index === 0 ? { role: "assistant", content: piece } : { content: piece }, null));
      }
      send({ ...chunk(id, {}, "stop"), usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
    }
    if (!closed) {
      res.write("data: [DONE]\n\n");
      res.end();
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // A script sent over HTTP, for a server running in its own process (the benchmark).
      if (req.method === "POST" && req.url === "/__script") {
        try {
          const { marker, steps } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { marker: string; steps: ScriptStep[] };
          rules.push({ match: (prompt) => prompt.includes(marker), steps });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
        return;
      }
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: "mock-1", object: "model" }] }));
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      let body: { stream?: boolean; messages?: ChatMessage[]; tools?: unknown[] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
      } catch {
        res.writeHead(400).end();
        return;
      }
      respond(res, body).catch(() => res.destroy());
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    script(marker, steps) {
      rules.push({ match: (prompt) => prompt.includes(marker), steps });
    },
    waitForStep(marker, step, timeoutMs = 20_000) {
      const seen = requests.some((r) => r.lastUserText.includes(marker) && r.step !== null && r.step >= step);
      if (seen) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = { marker, step, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`the model was not asked for step ${step} of "${marker}" within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Scripts a scripted model server that runs in another process (`url` as it printed it). */
export async function scriptRemote(url: string, marker: string, steps: ScriptStep[]): Promise<void> {
  const response = await fetch(new URL("/__script", url), { method: "POST", body: JSON.stringify({ marker, steps }) });
  if (response.status !== 204) throw new Error(`the scripted model server refused the script (${response.status})`);
}

// `node --import tsx tests/helpers/scripted-model-server.ts`: a server in its own process, so its
// timing is not disturbed by the process under test. Prints its URL, runs until killed.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startScriptedModelServer();
  console.log(`scripted model server listening on ${server.url}`);
}
