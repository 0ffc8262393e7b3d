import fs from "node:fs";
import path from "node:path";

/**
 * An external agent is the leader of its own process group (so a stop ends its helpers too); a host
 * service killed with SIGKILL leaves that group running in a worktree nobody watches any more. Each
 * run's group is recorded in `<data>/agent-runs/<pid>` with its start time (from /proc), and the
 * next start of the host service stops what is left, only when /proc shows the same process (a pid
 * may have been reused) or its group outlived it (a group id is not handed out while a member lives).
 */

const folderOf = (dataDir: string) => path.join(dataDir, "agent-runs");

/** Field 22 of /proc/<pid>/stat (after the command's closing paren): when the process started, in clock ticks. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

export function recordAgentGroup(dataDir: string, pid: number): void {
  const startTime = startTimeOf(pid);
  if (startTime === null) return;
  fs.mkdirSync(folderOf(dataDir), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(folderOf(dataDir), String(pid)), `${startTime}\n`, { mode: 0o600 });
}

export function forgetAgentGroup(dataDir: string, pid: number): void {
  fs.rmSync(path.join(folderOf(dataDir), String(pid)), { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stops the agents' process groups an earlier run of this data folder left behind; says how many it stopped. */
export async function stopLeftoverAgents(dataDir: string, log: (line: string) => void = () => {}, graceMs = 2_000): Promise<number> {
  let names: string[];
  try {
    names = fs.readdirSync(folderOf(dataDir));
  } catch {
    return 0;
  }
  let stopped = 0;
  for (const name of names) {
    const file = path.join(folderOf(dataDir), name);
    const pid = Number(name);
    const recorded = fs.readFileSync(file, "utf8").trim();
    fs.rmSync(file, { force: true });
    if (!Number.isInteger(pid) || pid <= 1) continue;
    const now = startTimeOf(pid);
    // Alive but another process: the pid was reused, and its group is not ours.
    if (now !== null && now !== recorded) continue;
    if (!signalGroup(pid, "SIGTERM")) continue;
    log(`stopping external agent group ${pid} left running by an earlier host service`);
    stopped += 1;
    for (let waited = 0; waited < graceMs && signalGroup(pid, 0); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    signalGroup(pid, "SIGKILL");
  }
  return stopped;
}
