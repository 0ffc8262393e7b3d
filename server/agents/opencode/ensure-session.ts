import { createHash } from "node:crypto";
import type { OpencodeClient } from "@opencode-ai/sdk/v2";
import type { Db } from "../../db";
import { AppError } from "../../errors";
import { describeSdkError } from "../../lib/sdk-error";
import type { ModelRef } from "../../schemas/model-ref";

/** What an agent context is made of: when any of it changes, the context starts over. */
export type SessionConfig = {
  model: ModelRef;
  /** opencode's agent mode (`build`, `plan`, …). */
  mode: string;
  systemPrompt: string | null;
  tools: Record<string, boolean> | null;
  /** The worktree (or scratch folder) the agent works in. */
  directory: string;
  /** Informational columns of the row. */
  worktreeId?: string | null;
  sessionId?: string | null;
};

export type EnsuredSession = {
  externalId: string;
  /** true: the stored session was reused; false: a new one was made. */
  reused: boolean;
  /** Why a stored session was not reused, when there was one. */
  replaced: "config-changed" | "unknown-to-agent" | null;
  /** false: reused on the caller's word that it is alive (`knownAlive`), without asking opencode. */
  verified: boolean;
};

export type EnsureSessionOptions = {
  /**
   * Sessions this process has seen alive since opencode last started: they are reused without a
   * `session.get` round trip. The prompt itself then proves it (opencode answers 404 for a session
   * it no longer has, and the caller asks again without this).
   */
  knownAlive?: (externalId: string) => boolean;
};

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

/** A stable fingerprint of model, agent mode, system prompt, tools and worktree path (key order does not matter). */
export function configHash(config: SessionConfig): string {
  const essentials = {
    model: { providerID: config.model.providerID, modelID: config.model.modelID },
    mode: config.mode,
    systemPrompt: config.systemPrompt ?? null,
    tools: config.tools ?? null,
    directory: config.directory,
  };
  return createHash("sha256").update(JSON.stringify(stable(essentials))).digest("hex");
}


/**
 * The agent's own session for the chat (docs/ARCHITECTURE.md, "The message path", step 3): the
 * `agent_sessions` row for (chat_id, agent) is reused when its config_hash still matches and the
 * agent still knows that session; otherwise a new session is made and the row updated.
 * A chat id is required: no agent context exists outside a chat.
 */
export async function ensureSession(
  deps: { db: Db; client: OpencodeClient },
  chatId: string | null | undefined,
  agent: string,
  config: SessionConfig,
  options: EnsureSessionOptions = {},
): Promise<EnsuredSession> {
  if (typeof chatId !== "string" || chatId.trim() === "") {
    throw new AppError("BAD_REQUEST", "ensureSession needs a chat id: every agent context belongs to a chat (tab)");
  }
  const { db, client } = deps;
  const hash = configHash(config);
  const row = await db.agentSession.findUnique({ where: { chatId_agent: { chatId, agent } } });

  let replaced: EnsuredSession["replaced"] = null;
  if (row) {
    if (row.configHash === hash) {
      if (options.knownAlive?.(row.externalId)) return { externalId: row.externalId, reused: true, replaced: null, verified: false };
      const found = await client.session.get({ sessionID: row.externalId, directory: config.directory });
      if (found.data) return { externalId: row.externalId, reused: true, replaced: null, verified: true };
      const status = found.response?.status ?? null;
      if (status !== 404 && status !== 400) {
        throw new AppError("SERVICE_UNAVAILABLE", `opencode could not be asked about session ${row.externalId}: ${describeSdkError(found.error, "no answer")}`);
      }
      replaced = "unknown-to-agent";
    } else {
      replaced = "config-changed";
      // The old context is over: its session goes, so opencode does not keep it forever.
      await client.session.delete({ sessionID: row.externalId }).catch(() => undefined);
    }
  }

  const created = await client.session.create({ directory: config.directory, title: `BooChat chat ${chatId}` });
  if (!created.data) {
    throw new AppError("SERVICE_UNAVAILABLE", `opencode could not create a session: ${describeSdkError(created.error, "no answer")}`);
  }
  const externalId = created.data.id;
  const data = { externalId, configHash: hash, worktreeId: config.worktreeId ?? null, sessionId: config.sessionId ?? null };
  try {
    await db.agentSession.upsert({
      where: { chatId_agent: { chatId, agent } },
      create: { chatId, agent, ...data },
      update: data,
    });
  } catch (error) {
    // The tab was deleted while its context was being made: the new opencode session would belong to nobody.
    if (await db.chat.findUnique({ where: { id: chatId }, select: { id: true } })) throw error;
    await client.session.delete({ sessionID: externalId }).catch(() => undefined);
    throw new AppError("NOT_FOUND", `chat ${chatId} was deleted while its agent context was being made`);
  }
  return { externalId, reused: false, replaced, verified: true };
}
