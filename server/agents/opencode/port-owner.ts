import fs from "node:fs";
import path from "node:path";

/**
 * Who listens on 127.0.0.1:<port>, from Linux's /proc: "ours" when a process of the group led by
 * `leaderPid` holds the listening socket, "other" when another process does, "none" when nobody
 * listens yet, "unknown" when /proc cannot tell (not Linux). BooChat asks before it sends opencode's
 * password to a port it picked: between picking a free port and opencode binding it, another
 * process could take it and would otherwise receive the password.
 */
export type PortOwner = "ours" | "other" | "none" | "unknown";

const LISTEN = "0A";

/** The inodes of sockets listening on `port` (any local address), from /proc/net/tcp and tcp6. */
function listeningInodes(port: number, procRoot: string): string[] | null {
  const wanted = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes: string[] = [];
  let readAny = false;
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(procRoot, "net", table), "utf8");
      readAny = true;
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1] ?? "";
      if (fields[3] === LISTEN && local.slice(local.lastIndexOf(":") + 1) === wanted && fields[9]) inodes.push(fields[9]);
    }
  }
  return readAny ? inodes : null;
}

/** The pids of the process group `leaderPid` leads (the leader first). */
function groupMembers(leaderPid: number, procRoot: string): number[] {
  const members = [leaderPid];
  for (const entry of fs.readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry) || Number(entry) === leaderPid) continue;
    try {
      const stat = fs.readFileSync(path.join(procRoot, entry, "stat"), "utf8");
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, …
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp === leaderPid) members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

function holdsSocket(pid: number, inodes: Set<string>, procRoot: string): boolean {
  let fds: string[];
  try {
    fds = fs.readdirSync(path.join(procRoot, String(pid), "fd"));
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const target = fs.readlinkSync(path.join(procRoot, String(pid), "fd", fd));
      return inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? "");
    } catch {
      return false;
    }
  });
}

export function portOwner(leaderPid: number, port: number, procRoot = "/proc"): PortOwner {
  const inodes = listeningInodes(port, procRoot);
  if (inodes === null) return "unknown";
  if (inodes.length === 0) return "none";
  const wanted = new Set(inodes);
  return groupMembers(leaderPid, procRoot).some((pid) => holdsSocket(pid, wanted, procRoot)) ? "ours" : "other";
}
