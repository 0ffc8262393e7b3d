import fs from "node:fs";

/** Every process id on this machine with its parent and process group (from /proc). */
function processTable(): Array<{ pid: number; ppid: number; pgid: number }> {
  const table: Array<{ pid: number; ppid: number; pgid: number }> = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** The processes below `pid` (children, theirs, ...). */
export function descendantsOf(pid: number): Array<{ pid: number; pgid: number }> {
  const table = processTable();
  const found: Array<{ pid: number; pgid: number }> = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const entry of table) {
      if (entry.ppid === parent) {
        found.push({ pid: entry.pid, pgid: entry.pgid });
        queue.push(entry.pid);
      }
    }
  }
  return found;
}

/** The pid of the process whose environment says `NAME=value` (the sidecar of one data folder), or null. */
export function pidWithEnv(name: string, value: string): number | null {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`${name}=${value}`)) return Number(entry);
    } catch {
      // not ours to read, or gone
    }
  }
  return null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILL to `pid`; with `children`, first to the process groups of everything it started (the
 * sidecar's git calls lead groups of their own), as systemd's control-group kill would. Returns the
 * processes left running (without `children`: what it had started, which goes on as orphans).
 */
export function killHard(pid: number, options: { children: boolean }): number[] {
  const below = descendantsOf(pid);
  if (options.children) {
    // Only groups led by a process below `pid` (git's): a child left in the sidecar's own group (tsx's
    // esbuild) shares the group of the test run itself, and killing that group killed the whole
    // `npm test` (and .ci/run) around the drill. Such children are killed one by one instead.
    const leaders = new Set(below.map((p) => p.pid));
    for (const pgid of new Set(below.map((p) => p.pgid))) if (leaders.has(pgid)) signal(-pgid);
    for (const p of below) signal(p.pid);
  }
  signal(pid);
  return options.children ? [] : below.map((p) => p.pid);
}

function signal(target: number): void {
  if (target === 0 || target === -1 || Math.abs(target) === process.pid) return;
  try {
    process.kill(target, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Resolves once none of `pids` runs any more (polling), or rejects after `timeoutMs`. */
export async function waitGone(pids: number[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`processes ${pids.filter(isAlive).join(", ")} still run after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
