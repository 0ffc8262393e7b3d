// Runs once when the Next.js server starts: start (and supervise) opencode right away, so
// `npm start` brings up every process and the first message does not wait for it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getAgentRuntime } = await import("./server/agents/runtime");
  const runtime = getAgentRuntime();
  // Next.js handles these signals itself and may be killed before an orderly stop completes (open
  // event streams keep it up): opencode's process group goes at once, so it is never orphaned.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => runtime.stopNow());
}
