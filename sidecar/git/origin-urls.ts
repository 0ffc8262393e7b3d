import { runGit, splitNul, type GitContext } from "./run";

export type OriginUrls = { urls: string[]; pushUrls: string[] };

/** `remote.origin.url` and `remote.origin.pushurl` as the repository's config gives them (every value; no rewrite applied). */
export async function readOriginUrls(ctx: GitContext, dir: string): Promise<OriginUrls> {
  // Exit code 1: neither is set.
  const { stdout } = await runGit(ctx, dir, ["config", "-z", "--get-regexp", "^remote\\.origin\\.(url|pushurl)$"], { okExitCodes: [1] });
  const found: OriginUrls = { urls: [], pushUrls: [] };
  for (const record of splitNul(stdout)) {
    const newline = record.indexOf("\n");
    const key = newline === -1 ? record : record.slice(0, newline);
    const value = newline === -1 ? "" : record.slice(newline + 1);
    if (key === "remote.origin.url") found.urls.push(value);
    else if (key === "remote.origin.pushurl") found.pushUrls.push(value);
  }
  return found;
}
