import { rm } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitContext } from "./run";
import { makeScratchDir } from "./scratch-dirs";

/** A bare repository of the sidecar's own, reading and writing the real repository's objects. */
export type ShadowRepo = { dir: string; env: Record<string, string> };

/** sha1 or sha256: the shadow must hash the way the real repository does. */
export async function readObjectFormat(ctx: GitContext, dir: string): Promise<string> {
  const { stdout } = await runGit(ctx, dir, ["rev-parse", "--show-object-format"]);
  return stdout.trim();
}

/**
 * Runs `fn` with a throwaway bare repository in the sidecar's temp folder whose objects are the real
 * repository's (`GIT_OBJECT_DIRECTORY`). Push and fetch run there, so git never reads the real
 * repository's config: no `url.*.insteadOf`, `core.sshCommand`, credential helper, `core.gitProxy`,
 * `remote.origin.uploadpack`/`receivepack`/`vcs`, `protocol.*.allow` or `http.*` setting of the
 * repository's can take part; the refs are copied in and out by the caller, with plain update-ref.
 */
export async function withShadowRepo<T>(ctx: GitContext, commonDir: string, objectFormat: string, fn: (shadow: ShadowRepo) => Promise<T>): Promise<T> {
  const parent = await makeScratchDir(ctx.tempDir, "remote");
  try {
    const dir = path.join(parent, "shadow.git");
    // No template: not even the sample hooks.
    await runGit(ctx, parent, ["init", "-q", "--bare", "--template=", `--object-format=${objectFormat}`, "--", dir]);
    return await fn({ dir, env: { GIT_OBJECT_DIRECTORY: path.join(commonDir, "objects") } });
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}
