import type http from "node:http";

/**
 * SIGTERM or SIGINT stop a service built on the sidecar's server (the sidecar, the host service):
 * `before` first (the host's opencode, whose event streams would hold the server open), then
 * in-flight requests finish and idle keep-alive connections close; a stuck one cannot hold the exit
 * for more than 10 s.
 */
export function stopOnSignals(options: { what: string; server: http.Server; close: () => void; before?: () => Promise<void> }): void {
  const { what, server, close } = options;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${what} stopping (${signal})`);
    const force = setTimeout(() => {
      close();
      process.exit(1);
    }, 10_000);
    force.unref();
    void (options.before?.() ?? Promise.resolve()).finally(() => {
      server.close(() => {
        close();
        process.exit(0);
      });
      server.closeIdleConnections();
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
