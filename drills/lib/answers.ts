/**
 * What no answer may carry, whatever was asked: a stack trace (a frame "at f (file.ts:12:3)", a
 * node_modules or node:internal path) or a secret. Returns what was found, in words, or null.
 */
export function leakIn(text: string, secrets: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length >= 8 && text.includes(value)) return `the ${name} appears in the answer`;
  }
  if (/\bat (?:async )?[^\s()]*\s?\(?[^()\s]+\.(?:ts|js|mjs|cjs):\d+:\d+\)?/.test(text)) return "a stack frame appears in the answer";
  if (/node:internal|node_modules[\\/]/.test(text)) return "a module path appears in the answer";
  return null;
}

/** A request or answer shortened for a problem line. */
export function brief(value: unknown, max = 300): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  text = text ?? String(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
