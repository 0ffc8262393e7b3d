// Runs once when the Next.js server starts: start (and supervise) opencode right away, so
// `npm start` brings up every process and the first message does not wait for it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getAgentRuntime } = await import("./server/agents/runtime");
  getAgentRuntime();
}
