/**
 * Caps on what one permitted caller can hold open or send at once, so a runaway script or a leaked
 * token cannot exhaust the server. Each refusal says which cap was hit.
 */
export const LIMITS = {
  /** Procedure calls in one tRPC batch request (the browser's and the CLI's batch links use the same). */
  trpcBatchSize: 50,
  /** Open event streams (chat.events subscriptions) over all clients. */
  eventStreams: 200,
  /** Open MCP conversations (each holds a server and a transport). */
  mcpConversations: 100,
} as const;
