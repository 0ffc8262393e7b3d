import type { Part, ToolPart } from "@opencode-ai/sdk/v2";
import type { StoredPart, ToolStatus } from "../../schemas/chat-event";

/** How much of a tool's output or error a stored part keeps. */
const MAX_OUTPUT = 4_000;

function clip(text: string, max = MAX_OUTPUT): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

function stringField(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === "string" ? value : undefined;
}

/** One line for the tab: the command run, the file written or edited, else the tool's own title. */
function toolTitle(tool: string, command: string | undefined, filePath: string | undefined, title: string | undefined): string {
  if (tool === "bash" && command) return `ran ${command}`;
  if ((tool === "write" || tool === "edit") && filePath) return `${tool === "write" ? "wrote" : "edited"} ${filePath}`;
  return title ? `${tool}: ${title}` : tool;
}

function toStoredTool(part: ToolPart): StoredPart {
  const { state } = part;
  const status: ToolStatus = state.status;
  const filePath = stringField(state.input, "filePath") ?? stringField(state.input, "path");
  const command = stringField(state.input, "command");
  const title = state.status === "running" || state.status === "completed" ? state.title : undefined;
  return {
    id: part.id,
    type: "tool",
    tool: part.tool,
    status,
    title: toolTitle(part.tool, command, filePath, title),
    ...(filePath ? { filePath } : {}),
    ...(command ? { command } : {}),
    ...(state.status === "completed" ? { output: clip(state.output) } : {}),
    ...(state.status === "error" ? { error: clip(state.error) } : {}),
  };
}

/** The part of an opencode message part worth keeping, or null for bookkeeping parts (steps, snapshots, …). */
export function toStoredPart(part: Part): StoredPart | null {
  switch (part.type) {
    case "text":
      return part.synthetic === true || part.ignored === true ? null : { id: part.id, type: "text", text: part.text };
    case "reasoning":
      return { id: part.id, type: "reasoning", text: part.text };
    case "tool":
      return toStoredTool(part);
    default:
      return null;
  }
}

/** A text or reasoning part whose streaming has ended (its text is final). */
export function isCompletePart(part: Part): boolean {
  return (part.type === "text" || part.type === "reasoning") && part.time?.end !== undefined;
}
