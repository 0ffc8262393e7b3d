import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import { makeHostScratch } from "../hosts/host-service-client";
import { hostOfRow, LOCAL_HOST, type HostConfig } from "../hosts/hosts-config";

export type ChatDirectory = {
  /** Where the agent works: the session's worktree, else its session's (or a standalone chat's own) scratch folder. */
  path: string;
  worktreeId: string | null;
  sessionId: string | null;
  scratch: boolean;
  /** The host the folder is on, where the chat's agent runs (hosts-config.ts). */
  host: string;
  /** The folder is on this machine (a sidecar host), so BooChat itself may read it; a host service's is not. */
  local: boolean;
};

/** Where chats' folders are: on their worktree's host, else on the first (home) host. */
export type ChatPlaces = {
  hosts: readonly HostConfig[];
  /** The scratch root on a local (sidecar) host: BOOCHAT_SCRATCH_DIR. A host service keeps its own. */
  scratchRoot: string;
  /** The transport to host services (default: the global fetch). */
  fetch?: typeof fetch;
};

/** The one `local` host of today's setup, for a runtime given a single opencode. */
export const LOCAL_SIDECAR_HOST: HostConfig = { name: LOCAL_HOST, url: "", token: "", kind: "sidecar" };

export const localPlaces = (scratchRoot: string): ChatPlaces => ({ hosts: [LOCAL_SIDECAR_HOST], scratchRoot });

/**
 * The folder a chat's agent works in, on the chat's host: `chats.session_id → worktrees.path` (a
 * worktree not removed). Without a worktree (on the home host, a host service's own scratch folder), the tabs of a chat-only session share a scratch folder
 * `<scratch root>/<sessionId>` and a standalone chat has its own, `<scratch root>/<chatId>`
 * (BOOCHAT_SCRATCH_DIR), so an agent never runs in BooChat's
 * own directory nor in its data folder, beside its tokens.
 */
export async function resolveChatDirectory(db: Db, chatId: string, places: ChatPlaces): Promise<ChatDirectory> {
  const chat = await db.chat.findUnique({ where: { id: chatId }, select: chatDirectorySelect });
  if (!chat) throw notFound("Tab", chatId);
  return chatDirectoryOf(chat, places);
}

/** What `chatDirectoryOf` needs from a chat row: select it along with whatever else a caller reads. */
export const chatDirectorySelect = {
  id: true,
  sessionId: true,
  session: { select: { worktree: { select: { id: true, path: true, removedAt: true, host: true } } } },
} as const;

type WorktreeRow = { id: string; path: string; removedAt: Date | null; host: string | null };

export type ChatDirectoryRow = {
  id: string;
  sessionId: string | null;
  session: { worktree: WorktreeRow | null } | null;
};

/** The session's worktree when it has one not removed. */
function liveWorktree(chat: ChatDirectoryRow): WorktreeRow | null {
  const row = chat.session?.worktree ?? null;
  return row && row.removedAt === null ? row : null;
}

/** The host a chat's agent runs on: its worktree's, else the first (home) host. */
export function hostOfChat(chat: ChatDirectoryRow, hosts: readonly HostConfig[]): HostConfig {
  return hostOfRow(hosts, liveWorktree(chat)?.host ?? null);
}

/** The session's worktree (an arena entry's is its session's own), else the scratch folder of its session (or its own). */
export async function chatDirectoryOf(chat: ChatDirectoryRow, places: ChatPlaces): Promise<ChatDirectory> {
  const worktree = liveWorktree(chat);
  const host = hostOfChat(chat, places.hosts);
  const found = { worktreeId: worktree?.id ?? null, sessionId: chat.sessionId, scratch: !worktree, host: host.name, local: host.kind === "sidecar" };
  // A host service's folders are on another machine: its opencode says if the worktree is missing.
  if (host.kind === "host-service") return { ...found, path: worktree?.path ?? (await hostScratch(host, chat.sessionId ?? chat.id, places.fetch)) };
  if (worktree) {
    const stat = await fs.stat(worktree.path).catch(() => null);
    if (!stat?.isDirectory()) {
      throw new AppError("PRECONDITION_FAILED", `The worktree ${worktree.path} is missing on disk, so the agent has nowhere to work`);
    }
    return { ...found, path: worktree.path };
  }
  // Tabs of a chat-only session share its folder, as tabs of a worktree session share the worktree;
  // opencode then boots that folder once (about a second at its first prompt), not once per tab.
  const scratch = path.join(places.scratchRoot, chat.sessionId ?? chat.id);
  await fs.mkdir(scratch, { recursive: true, mode: 0o700 });
  return { ...found, path: scratch };
}

/** A chat-only folder on a host service (POST /v1/host/scratch): the host keeps it, 0700, under its own root. */
async function hostScratch(host: HostConfig, id: string, transport?: typeof fetch): Promise<string> {
  try {
    return await makeHostScratch(host, id, transport ? { fetch: transport } : {});
  } catch (error) {
    throw new AppError("SERVICE_UNAVAILABLE", `This chat has no folder to work in: ${error instanceof Error ? error.message : String(error)}`);
  }
}
