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

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
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
  const { real, exists } = await realpathAllowingMissing(path.resolve(input));
  if (!isInside(root, real)) {
    const via = real === path.resolve(input) ? "" : ` (it resolves to ${real})`;
    throw new HttpError(400, "outside-worktree-root", `${field}: ${input} is outside the worktree root ${root}${via}`);
  }
  return { input, real, exists };
}
