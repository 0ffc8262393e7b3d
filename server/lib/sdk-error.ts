import { z } from "zod";

/** The shape opencode gives an error in a result (`{ error }`), a session error or a message's `error`. */
const namedError = z.object({ name: z.string().optional(), data: z.object({ message: z.string().optional() }).optional() });

/**
 * The words of an error from the opencode SDK, or null when it carries none: a thrown Error (a
 * timeout said plainly), else opencode's `{ name, data: { message } }` (the message, else the name).
 */
export function sdkErrorText(error: unknown): string | null {
  if (error instanceof Error) return error.name === "TimeoutError" ? "opencode did not answer in time" : error.message;
  if (typeof error === "string") return error || null;
  const parsed = namedError.safeParse(error);
  if (!parsed.success) return null;
  return parsed.data.data?.message || parsed.data.name || null;
}

/** `sdkErrorText`, or `fallback` when the error says nothing. */
export function describeSdkError(error: unknown, fallback: string): string {
  return sdkErrorText(error) ?? fallback;
}
