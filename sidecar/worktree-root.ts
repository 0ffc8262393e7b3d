import { lstat, mkdir, realpath } from "node:fs/promises";
import path from "node:path";

/** Why the sidecar must not start with this setting: its message names the setting and the fix. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

export type WorktreeRoot = {
  /** real path */
  path: string;
  /**
   * The shared layout of the systemd unit: a setgid root whose group is the sidecar's own, so that
   * group members (the user running the agents) may work in the worktrees the sidecar creates.
   */
  sharedWithGroup: boolean;
};

export type Identity = { uid: number; gid: number };

const S_ISGID = 0o2000;

/** The reason a root with this owner and mode is refused, or null when it is safe. */
export function rootRefusal(stats: { uid: number; gid: number; mode: number }, me: Identity): string | null {
  if (stats.uid !== me.uid) return `it belongs to user id ${stats.uid}, not to the sidecar's user (id ${me.uid})`;
  if ((stats.mode & 0o002) !== 0) return `others may write to it (mode ${(stats.mode & 0o7777).toString(8)})`;
  const groupWritable = (stats.mode & 0o020) !== 0;
  const sharedGroup = (stats.mode & S_ISGID) !== 0 && stats.gid === me.gid;
  if (groupWritable && !sharedGroup) {
    return `its group may write to it (mode ${(stats.mode & 0o7777).toString(8)}); a group-writable root must be setgid and belong to the sidecar's own group (id ${me.gid})`;
  }
  return null;
}

/**
 * The worktree root, created 0700 when missing. Whoever can write to the root can swap a worktree
 * for a symbolic link or plant a repository there, so the sidecar refuses a root that is a symbolic
 * link, belongs to another user, or others (or a group other than its own setgid one) may write to.
 */
export async function prepareWorktreeRoot(setting: string, me: Identity): Promise<WorktreeRoot> {
  const name = `BOOCHAT_WORKTREE_ROOT (${setting})`;
  await mkdir(setting, { recursive: true, mode: 0o700 });
  const stats = await lstat(setting);
  if (stats.isSymbolicLink()) throw new SettingsError(`${name} is a symbolic link: set BOOCHAT_WORKTREE_ROOT to the real folder (${await realpath(setting)})`);
  if (!stats.isDirectory()) throw new SettingsError(`${name} is not a folder`);
  const refusal = rootRefusal(stats, me);
  if (refusal !== null) throw new SettingsError(`${name} is not safe to use: ${refusal}`);
  const real = await realpath(setting);
  if (path.dirname(real) === real) throw new SettingsError("BOOCHAT_WORKTREE_ROOT must not be the file system root");
  return { path: real, sharedWithGroup: (stats.mode & S_ISGID) !== 0 && stats.gid === me.gid };
}
