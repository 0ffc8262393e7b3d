import { runGit, type GitContext } from "./run";

const FALLBACK = { name: "BooChat", email: "boochat@localhost" };

/**
 * Environment naming a committer for commands that write commits (stash) when the repository's
 * config names none: user and system config are switched off, so git could otherwise refuse.
 */
export async function committerFallback(ctx: GitContext, dir: string): Promise<Record<string, string>> {
  const { stdout } = await runGit(ctx, dir, ["config", "-z", "--get-regexp", "^user\\.(name|email)$"], { okExitCodes: [1] });
  const keys = new Set(stdout.split("\0").map((record) => record.split("\n", 1)[0]));
  const env: Record<string, string> = {};
  if (!keys.has("user.name")) Object.assign(env, { GIT_AUTHOR_NAME: FALLBACK.name, GIT_COMMITTER_NAME: FALLBACK.name });
  if (!keys.has("user.email")) Object.assign(env, { GIT_AUTHOR_EMAIL: FALLBACK.email, GIT_COMMITTER_EMAIL: FALLBACK.email });
  return env;
}
