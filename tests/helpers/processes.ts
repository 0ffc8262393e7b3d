import { readFileSync } from "node:fs";

/**
 * Whether a process runs: it exists and is no zombie (a zombie its parent has not reaped yet has
 * ended, and a test asking "is the agent still running?" must count it as gone).
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
