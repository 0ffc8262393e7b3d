import { realpath } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { HttpError } from "../errors";
import { readRepoDirs, type RepoDirs } from "../git/repo-dirs";
import type { GitContext } from "../git/run";

/**
 * A user's repository: an absolute path, or `~` / `~/...` for the home of the user the sidecar runs as
 * (the sidecar runs on the repository's host, so its home is the one meant). `~user` is not understood.
 */
export const repoPathInput = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(4096, "is too long")
  .refine((value) => !value.includes("\0"), "must not contain NUL")
  .refine((value) => value.startsWith("/") || value === "~" || value.startsWith("~/"), "must be an absolute path, or start with ~/ (the sidecar user's home)");

export function expandHome(value: string, home: string): string {
  if (value === "~") return home;
  return value.startsWith("~/") ? path.join(home, value.slice(2)) : value;
}

export type Repository = { repoReal: string; repo: RepoDirs; repoDir: string };

/** The repository a `repoPath` names (after `~` and symbolic links); 400 `not-a-repository` in words otherwise. */
export async function resolveRepository(git: GitContext, input: string, field: string): Promise<Repository> {
  const expanded = expandHome(input, git.home);
  const repoReal = await realpath(expanded).catch(() => null);
  const shown = expanded === input ? input : `${input} (${expanded})`;
  if (repoReal === null) throw new HttpError(400, "not-a-repository", `${field}: ${shown} does not exist`);
  const found = await readRepoDirs(git, repoReal);
  if ("notRepo" in found) throw new HttpError(400, "not-a-repository", `${field}: ${shown} is not a git repository`);
  return { repoReal, repo: found.repo, repoDir: found.repo.toplevel ?? found.repo.commonDir };
}
