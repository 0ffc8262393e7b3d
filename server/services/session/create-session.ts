import type { AgentRuntime } from "../../agents/runtime";
import type { Db } from "../../db";
import type { SessionCreateInput } from "../../schemas/session";
import { asHostRouter } from "../../hosts/host-router";
import { AppError } from "../../errors";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { placeSession } from "./place-session";
import { publishSessionChange } from "./session-events";

export const FIRST_TAB_TITLE = "Tab 1";

/** `boochat/<title-slug>-<id suffix>`: readable in `git branch`, unique per session. */
export function defaultBranchName(title: string, sessionId: string): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  const suffix = sessionId.slice(-6);
  return `boochat/${slug ? `${slug}-` : ""}${suffix}`;
}

/**
 * Creates a session with its first tab. With a repository, its host (placeSession) first creates the
 * session's worktree and a `worktrees` row records it with the host's name; if the host refuses,
 * nothing is kept.
 */
export async function createSession(deps: { db: Db; sidecar: SidecarClient; agents?: Pick<AgentRuntime, "prepareChat"> }, input: SessionCreateInput) {
  const { db } = deps;
  const router = asHostRouter(deps.sidecar);
  if (input.host && !input.repoPath) {
    throw new AppError("BAD_REQUEST", `host: a session is placed on a host with its repository: give repoPath too (a session without one runs its agents on "${router.home.name}")`);
  }
  // Asked before anything is written: a repository that is on no host leaves nothing behind.
  const host = input.repoPath ? await placeSession({ db, sidecar: router }, { repoPath: input.repoPath, host: input.host }) : null;
  const session = await db.session.create({
    data: { title: input.title, chats: { create: { title: FIRST_TAB_TITLE, position: 0 } } },
    include: { chats: { select: { id: true } } },
  });
  // The first tab's agent context is made ready while the user types (once its folder exists).
  const prepareFirstTab = () => session.chats.forEach((chat) => void deps.agents?.prepareChat(chat.id));
  if (!input.repoPath || !host) {
    publishSessionChange();
    prepareFirstTab();
    return { ...session, worktree: null, host: router.home.name, warnings: [] as string[] };
  }

  try {
    const branch = input.branch ?? defaultBranchName(input.title, session.id);
    const sidecar = router.forHost(host.name);
    const worktree = await sidecar.createWorktree({ sessionId: session.id, repoPath: input.repoPath, branch });
    // `~/proj` is the host's home: the row keeps the repository's real path.
    const repoPath = input.repoPath.startsWith("~") ? (await sidecar.repository({ path: worktree.path })).repoPath : input.repoPath;
    await db.worktree.create({
      data: {
        sessionId: session.id,
        repoPath,
        path: worktree.path,
        branch: worktree.branch,
        baseRef: worktree.head,
        host: host.name,
      },
    });
    publishSessionChange();
    prepareFirstTab();
    // Warnings (no origin/HEAD: no delete of this session can be verified) are said at once.
    return { ...session, worktree, host: host.name, warnings: worktree.warnings };
  } catch (error) {
    // The session is useless without the worktree the user asked for: roll it back.
    await db.session.delete({ where: { id: session.id } });
    throw sidecarFailure("Cannot create the worktree", error, "repoPath");
  }
}
