// Runs once when the Next.js server starts. The Node.js work lives in server/start-server.ts,
// imported only in the Node.js runtime, so the Edge build never sees process.exit or signals.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./server/start-server");
  startServer();
}
