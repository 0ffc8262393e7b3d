import http from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP proxy in front of the sidecar that counts the requests it forwards, by path. */
export async function startCountingProxy(target: string) {
  const counts: string[] = [];
  const server = http.createServer((req, res) => {
    counts.push(`${req.method} ${req.url}`);
    const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "BAD_GATEWAY", message: "the sidecar behind the proxy cannot be reached" } }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: counts,
    reset: () => void counts.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
