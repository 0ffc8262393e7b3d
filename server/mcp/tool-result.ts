import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError, describeZodError, internalErrorMessage } from "../errors";

/** A tool's answer: the JSON as text (what every client shows) and as structured content. */
function toolResult(value: Record<string, unknown>): CallToolResult {
  const json = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return { content: [{ type: "text", text: JSON.stringify(json, null, 2) }], structuredContent: json };
}

/**
 * The words an API error carries to the MCP client; never a stack trace. Anything but an
 * AppError or bad input is an internal error: the client gets a reference, the log the details.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCError) {
    if (error.cause instanceof ZodError) return `Invalid input: ${describeZodError(error.cause)}`;
    if (error.code === "INTERNAL_SERVER_ERROR" && !(error.cause instanceof AppError)) return internalErrorMessage(error.cause ?? error, "mcp");
    return error.message;
  }
  if (error instanceof AppError) return error.message;
  if (error instanceof ZodError) return `Invalid input: ${describeZodError(error)}`;
  return internalErrorMessage(error, "mcp");
}

/** A tool error the model or user can act on (`isError: true`), as MCP wants tool failures reported. */
function toolError(error: unknown): CallToolResult {
  return { isError: true, content: [{ type: "text", text: errorMessage(error) }] };
}

/** Runs a tool's work: its value as the tool's result, any failure as a tool error in words. */
export async function runTool(work: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return toolResult(await work());
  } catch (error) {
    return toolError(error);
  }
}
