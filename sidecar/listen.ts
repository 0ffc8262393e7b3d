import type http from "node:http";

/** Listens on `host:port` (0: a free port) and resolves to the URL it answers on, IPv6 in brackets. */
export async function listenOn(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
}
