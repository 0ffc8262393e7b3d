import http from "node:http";
import { HttpError } from "../sidecar/errors";
import { errorBody, sendJson } from "../sidecar/server";
import type { OpencodeTarget } from "./opencode-host";

/**
 * The reverse proxy from `/v1/opencode/<rest>` to this machine's opencode on 127.0.0.1. Hand-written
 * over node:http because no proxy library is installed and what is needed is small: stream both bodies
 * (Server-Sent Events event by event), swap the Authorization header for opencode's own, drop
 * hop-by-hop headers, and abort the upstream request when the client goes away.
 */

/** Hop-by-hop headers (RFC 9110 7.6.1) plus what the proxy sets itself. */
const DROPPED_REQUEST = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host", "authorization", "accept-encoding"]);
const DROPPED_RESPONSE = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

function forwardable(headers: http.IncomingHttpHeaders, dropped: Set<string>): http.OutgoingHttpHeaders {
  // Headers the Connection header names are hop-by-hop too.
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || dropped.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Sends the request on to opencode and streams the answer back; resolves when the exchange is over. */
export function proxyToOpencode(req: http.IncomingMessage, res: http.ServerResponse, target: OpencodeTarget, upstreamPath: string): Promise<void> {
  if (!target.ok) {
    req.resume();
    sendJson(res, 503, errorBody("opencode-unavailable", target.reason), { "retry-after": "2" });
    return Promise.resolve();
  }
  const base = new URL(target.url);
  return new Promise<void>((resolve, reject) => {
    const upstream = http.request({
      host: base.hostname,
      port: base.port,
      method: req.method,
      path: upstreamPath,
      // A connection of its own per request (loopback: cheap): a client's abort closes exactly its own.
      agent: false,
      // Compression is not asked for: an event must not wait in a compressor's buffer.
      headers: { ...forwardable(req.headers, DROPPED_REQUEST), host: base.host, authorization: target.authorization },
    });
    let answered = false;
    upstream.on("response", (answer) => {
      answered = true;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.headers, DROPPED_RESPONSE));
      // The headers at once: an event stream's client waits for them before the first event.
      res.flushHeaders();
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      // opencode cut the stream (it stopped or restarted): the client sees the connection end, not a clean end.
      answer.on("close", () => {
        if (!answer.complete) res.destroy();
      });
    });
    upstream.on("error", (error) => {
      if (answered || res.headersSent) {
        res.destroy();
        return;
      }
      if (res.destroyed) return;
      reject(new HttpError(502, "opencode-unreachable", `opencode did not answer on this host: ${error.message}`));
    });
    // The client gone (an event stream closed, a timeout): the upstream request goes too.
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
