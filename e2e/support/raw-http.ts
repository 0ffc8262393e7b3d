import { request } from "node:http";

export type RawResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/**
 * One HTTP request with exactly the headers given (fetch and Playwright's request context do not
 * let a test set `Host`), to 127.0.0.1:<port>.
 */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers ?? {}, timeout: 15_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${options.method ?? "GET"} ${options.path}: no answer in 15 s`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** tRPC over HTTP as httpBatchLink sends it (batch of one, superjson envelope). */
export const trpcPaths = {
  query: (path: string, input?: unknown) => `/api/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: input ?? null } }))}`,
  mutation: (path: string) => `/api/trpc/${path}?batch=1`,
  mutationBody: (input: unknown) => JSON.stringify({ 0: { json: input } }),
  subscription: (path: string, input: unknown) => `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
};
