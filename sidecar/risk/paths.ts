import { realpath } from "node:fs/promises";
import path from "node:path";
import { HttpError } from "../errors";

export type ResolvedPath = {
  /** the path as the caller wrote it (reports echo it back) */
  input: string;
  /** after resolving symlinks; for a missing directory, its nearest existing ancestor resolved plus the rest */
  real: string;
  exists: boolean;
};

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Why the system cannot resolve a path, in words (the request's fault, a 400), or null for anything else. */
function unresolvable(error: unknown): string | null {
  switch (errorCode(error)) {
    case "ELOOP":
      return "cannot be resolved: its symbolic links form a loop";
    case "ENAMETOOLONG":
      return "is longer than the file system allows";
    case "EACCES":
      return "cannot be resolved: the sidecar may not read one of its folders";
    default:
      return null;
  }
}

async function realpathAllowingMissing(absolute: string): Promise<{ real: string; exists: boolean }> {
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: path.join(real, ...rest.reverse()), exists: rest.length === 0 };
    } catch (error) {
      if (!isMissing(error)) throw error;
      const parent = path.dirname(current);
      if (parent === current) return { real: absolute, exists: false };
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** True when `real` is strictly below `root` (both real paths). */
export function isInside(root: string, real: string): boolean {
  const relative = path.relative(root, real);
  return relative !== "" && !relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative);
}

/**
 * Resolves a worktree path the way the kernel will (symlinks included) and refuses, with a 400 that
 * says so, anything that does not end up inside the worktree root.
 */
export async function resolveInsideRoot(root: string, input: string, field: string): Promise<ResolvedPath> {
  if (!path.isAbsolute(input)) throw new HttpError(400, "invalid-input", `${field}: must be an absolute path`);
  const { real, exists } = await realpathAllowingMissing(path.resolve(input)).catch((error: unknown) => {
    const reason = unresolvable(error);
    throw reason === null ? error : new HttpError(400, "invalid-input", `${field}: ${input} ${reason}`);
  });
  if (!isInside(root, real)) {
    const via = real === path.resolve(input) ? "" : ` (it resolves to ${real})`;
    throw new HttpError(400, "outside-worktree-root", `${field}: ${input} is outside the worktree root ${root}${via}`);
  }
  return { input, real, exists };
}
