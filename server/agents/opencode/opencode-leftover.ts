import fs from "node:fs";
import path from "node:path";

/**
 * An opencode left running by a BooChat that was killed (SIGKILL, a crash) keeps its port and
 * its state folder. Its pid is kept in `<data>/opencode/opencode.pid`; the next start stops it,
 * but only when /proc shows it really is an opencode run with this data folder's state (a pid
 * may have been reused by anything else).
 */
export function opencodePidFile(dataDir: string): string {
  return path.join(dataDir, "opencode", "opencode.pid");
}

export function recordOpencodePid(dataDir: string, pid: number): void {
  fs.writeFileSync(opencodePidFile(dataDir), `${pid}\n`, { mode: 0o600 });
}

export function forgetOpencodePid(dataDir: string, pid: number): void {
  try {
    if (fs.readFileSync(opencodePidFile(dataDir), "utf8").trim() === String(pid)) fs.rmSync(opencodePidFile(dataDir));
  } catch {
    // nothing recorded
  }
}

function isOurOpencode(pid: number, dataDir: string): boolean {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const state = `XDG_DATA_HOME=${path.join(dataDir, "opencode", "data")}`;
    return environ.includes(state) && cmdline.includes("serve");
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the opencode a previous run of this data folder left behind, if any; says whether it did. */
export async function stopLeftoverOpencode(dataDir: string, log: (line: string) => void = () => {}): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(opencodePidFile(dataDir), "utf8").trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid) || !isOurOpencode(pid, dataDir)) {
    fs.rmSync(opencodePidFile(dataDir), { force: true });
    return false;
  }
  log(`stopping opencode ${pid} left running by an earlier BooChat`);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal("SIGTERM");
  for (let i = 0; i < 30 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) signal("SIGKILL");
  fs.rmSync(opencodePidFile(dataDir), { force: true });
  return true;
}
