import { z } from "zod";
import { readHeadBranchRef, readResolvedDefaultBranchRef } from "../git/default-branch";
import { readOriginUrls } from "../git/origin-urls";
import { classifyRemoteUrl } from "../git/remote-url";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";
import { requireListedWorktree } from "./worktree-target";

const originInput = z.object({ path: absolutePath });

/** A URL as it may be shown: any `user:password@` of a scheme URL dropped (an scp-like `git@host:` is no secret). */
export function showableUrl(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, "$1");
}

/**
 * Where a worktree's branch would go (the Finish panel's pull request link): origin's URL as
 * configured (credentials dropped), the transport push would use or why it would refuse, the
 * worktree's branch and the default branch. Only reads config and refs, hardened as always.
 */
export const worktreeOriginRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/origin",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(originInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    await requireListedWorktree(ctx.git, target, 404);
    const [urls, head, defaultRef] = await Promise.all([
      readOriginUrls(ctx.git, target.real),
      readHeadBranchRef(ctx.git, target.real),
      readResolvedDefaultBranchRef(ctx.git, target.real),
    ]);
    const url = urls.pushUrls[0] ?? urls.urls[0] ?? null;
    const transport = url === null ? null : classifyRemoteUrl(url, target.real);
    return ok({
      url: url === null ? null : showableUrl(url),
      usable: transport?.ok === true,
      refusal: transport && !transport.ok ? transport.reason : url === null ? "the repository has no origin remote" : null,
      branch: head?.replace(/^refs\/heads\//, "") ?? null,
      defaultBranch: defaultRef?.replace(/^refs\/remotes\/origin\//, "") ?? null,
    });
  },
};
