import type { BoochatClient } from "../client";
import type { CliIO } from "../io";

/** "2026-11-26 03:08", in the local time zone: what a person reads in a table. */
export function formatCreated(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** `boochat sessions`: id, title, worktree branch, created; or the list as JSON. */
export async function runSessions(client: BoochatClient, json: boolean, io: CliIO): Promise<number> {
  const sessions = await client.session.list.query();
  if (json) {
    io.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    return 0;
  }
  if (sessions.length === 0) {
    io.stdout.write("No sessions yet. Create one in the app, or start a task without --session.\n");
    return 0;
  }
  const rows = sessions.map((s) => [s.id, s.title, s.worktree?.branch ?? "-", formatCreated(s.createdAt)]);
  io.stdout.write(`${formatTable(["ID", "TITLE", "BRANCH", "CREATED"], rows)}\n`);
  return 0;
}
