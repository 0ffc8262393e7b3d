import { createOpencodeClient, type OpencodeClient } from "@opencode-ai/sdk/v2";

/**
 * The SDK client (flat parameters, `@opencode-ai/sdk/v2`) for an opencode at `baseUrl`, local or
 * behind a host service's proxy: a timeout on every request, since one sent while opencode starts
 * can hang, except the event stream, which stays open as long as it lives.
 */
export function timedOpencodeClient(options: { baseUrl: string; authorization: string; requestTimeoutMs: number; fetch?: typeof fetch }): OpencodeClient {
  const transport = options.fetch ?? fetch;
  const timedFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (isEventStream(new URL(request.url).pathname)) return transport(request);
    return transport(new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(options.requestTimeoutMs)]) }));
  };
  return createOpencodeClient({ baseUrl: options.baseUrl, headers: { authorization: options.authorization }, fetch: timedFetch });
}

/** opencode's event streams, at its root or under a proxy's prefix (`/v1/opencode/global/event`). */
function isEventStream(pathname: string): boolean {
  return pathname.endsWith("/global/event") || pathname === "/event" || pathname.endsWith("/opencode/event");
}
