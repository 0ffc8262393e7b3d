/**
 * Kept only for server/services/arena/arena-views.ts until it imports server/schemas/chat-event.ts:
 * the chat's shapes live there now.
 */
export type { TaskStatus } from "../schemas/chat-event";
