import { z } from "zod";

/**
 * The shapes a chat's messages and live events take: the server writes them, the browser and the
 * CLI read them (no Node imports here). `messages.parts` holds a JSON array of `StoredPart`.
 */

export const toolStatusSchema = z.enum(["pending", "running", "completed", "error"]);
export type ToolStatus = z.infer<typeof toolStatusSchema>;

export const storedPartSchema = z.discriminatedUnion("type", [
  z.object({ id: z.string(), type: z.literal("text"), text: z.string() }),
  z.object({ id: z.string(), type: z.literal("reasoning"), text: z.string() }),
  z.object({
    id: z.string(),
    type: z.literal("tool"),
    tool: z.string(),
    status: toolStatusSchema,
    /** One line for the tab: the file written, the command run. */
    title: z.string(),
    filePath: z.string().optional(),
    command: z.string().optional(),
    output: z.string().optional(),
    error: z.string().optional(),
  }),
  /** Output of an external agent, as it streamed. */
  z.object({ id: z.string(), type: z.literal("output"), stream: z.enum(["stdout", "stderr"]), text: z.string() }),
  /** Why the task failed, in words. */
  z.object({ id: z.string(), type: z.literal("error"), text: z.string() }),
]);
export type StoredPart = z.infer<typeof storedPartSchema>;

export type MessageRole = "user" | "assistant";

export type StoredMessage = {
  id: string;
  chatId: string;
  taskId: string | null;
  role: MessageRole;
  parts: StoredPart[];
  createdAt: string;
};

export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export type TaskView = {
  id: string;
  chatId: string | null;
  agent: string;
  creator: string;
  status: TaskStatus;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type ChatEvent =
  /** A message as it stands now: replace what you hold under its id. */
  | { type: "message"; message: StoredMessage }
  /** Text appended to a part of a message (streaming). */
  | { type: "delta"; messageId: string; partId: string; kind: "text" | "reasoning" | "output"; delta: string; stream?: "stdout" | "stderr" }
  | { type: "task"; task: TaskView }
  /** Events were missed: reload `chat.messages` and go on from here. */
  | { type: "reset" };

const storedPartsSchema = z.array(z.unknown());

/** A `messages.parts` column as parts; a part of a shape this version does not know is left out. */
export function parseParts(json: string): StoredPart[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  const list = storedPartsSchema.safeParse(value);
  if (!list.success) return [];
  return list.data.flatMap((item) => {
    const part = storedPartSchema.safeParse(item);
    return part.success ? [part.data] : [];
  });
}

/** The text a message shows (its text parts, in order). */
export function messageText(message: Pick<StoredMessage, "parts">): string {
  return message.parts
    .filter((part): part is Extract<StoredPart, { type: "text" }> => part.type === "text")
    .map((part) => part.text)
    .join("");
}
