import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError, describeZodError } from "../errors";
import { parseModelRef, formatModelRef, MODEL_REF_PATTERN, type ModelRef } from "../schemas/model-ref";
import { getAgentToken } from "../security/access-secrets";
import type { Env, Settings } from "../settings/settings";

/**
 * What the agent side needs to know (docs/AGENTS.md): the model from three environment
 * variables, plus an optional settings file with more providers and external agents.
 */

export type { ModelRef };

export type ProviderSettings = {
  id: string;
  name: string;
  baseURL: string;
  apiKey: string | null;
  models: string[];
};

export type ExternalAgentSettings = {
  name: string;
  /** argv: never run through a shell. */
  command: string[];
  /**
   * How the prompt reaches it: on stdin, or as the path of a 0600 file holding it (appended to the
   * command, e.g. aider's `--message-file`). Never as an argument: a command line is readable by
   * every user of the machine (/proc/<pid>/cmdline).
   */
  prompt: "stdin" | "file";
  /** Extra environment for the command. */
  env: Record<string, string>;
};

export type AgentSettings = {
  /** The model a run uses unless the message names another; null: none configured. */
  model: ModelRef | null;
  providers: ProviderSettings[];
  externalAgents: ExternalAgentSettings[];
  /** opencode's agent mode for runs (its built-in `build` agent edits files). */
  opencodeAgent: string;
  /** Added to opencode's own system prompt; part of the session fingerprint. */
  systemPrompt: string | null;
  /** Tools switched on/off for runs (opencode tool ids); part of the session fingerprint. */
  tools: Record<string, boolean> | null;
  /** opencode retries a failing model call by itself; after this many retries the task fails. */
  modelRetries: number;
  /** A run silent for this long is resynchronised from opencode's stored messages. */
  silenceMs: number;
  /** BooChat's own skills folder. */
  skillsDir: string;
  /** The settings file that was read, if any. */
  settingsFile: string | null;
  /** A host service silent this long while it runs tasks: they fail (BOOCHAT_HOST_LOSS_TIMEOUT_MS; absent: 30 s). */
  hostLossTimeoutMs?: number;
  /** BooChat's own MCP server, offered to opencode so a run can start follow-ups (`new_task`); absent: not offered. */
  boochatMcp?: BoochatMcpSettings | null;
};

export type BoochatMcpSettings = {
  /** `<app url>/api/mcp` */
  url: string;
  /** opencode's own bearer token for BooChat's MCP route (server/security/access-secrets.ts). */
  token: string;
};

export const ENV_PROVIDER_ID = "boochat";

const nameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "may only use letters, digits, '.', '_' and '-'");

const providerSchema = z
  .object({
    name: z.string().trim().min(1).optional(),
    baseURL: z.url("must be a URL such as https://api.example.com/v1"),
    apiKey: z.string().optional(),
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name").optional(),
    models: z.array(z.string().trim().min(1)).min(1, "must list at least one model id"),
  })
  .strict();

const externalAgentSchema = z
  .object({
    name: nameSchema,
    command: z.array(z.string().min(1, "must not contain empty arguments")).min(1, "must name the program to run"),
    prompt: z
      .enum(["stdin", "file", "arg"], 'must be "stdin" or "file"')
      .refine((how) => how !== "arg", {
        abort: true,
        message: 'must be "stdin" or "file": "arg" would put the prompt on a command line, which every user of the machine can read (use the agent\'s option that reads a file, e.g. aider --message-file, with "file")',
      })
      .pipe(z.enum(["stdin", "file"])),
    env: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const settingsFileSchema = z
  .object({
    $schema: z.string().optional(),
    model: z
      .string()
      .regex(MODEL_REF_PATTERN, "must be \"<provider>/<model>\"")
      .optional(),
    providers: z.record(nameSchema, providerSchema).optional(),
    agents: z.array(externalAgentSchema).optional(),
    opencodeAgent: nameSchema.optional(),
    systemPrompt: z.string().optional(),
    tools: z.record(z.string(), z.boolean()).optional(),
    modelRetries: z.number().int().min(0).max(20).optional(),
    skillsDir: z.string().min(1).optional(),
  })
  .strict();

export type SettingsFile = z.infer<typeof settingsFileSchema>;

/** Reads and checks a settings file; a missing file is no settings, a broken one is an error that says where. */
export function readSettingsFile(file: string): SettingsFile | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new AppError("PRECONDITION_FAILED", `Cannot read the settings file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new AppError("PRECONDITION_FAILED", `The settings file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = settingsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("PRECONDITION_FAILED", `The settings file ${file} is invalid: ${describeZodError(parsed.error, "(top level)")}`);
  }
  return parsed.data;
}

/** What reading the agent settings needs of BooChat's settings (server/settings/settings.ts). */
export type AgentSettingsSource = Pick<Settings, "settingsFile" | "model" | "mcpUrl"> & {
  /** Where the web app listens, when these settings are for the running app (else none: no MCP entry without BOOCHAT_MCP_URL). */
  app?: Pick<Settings, "port" | "host">;
};

/** The providers of the settings file, each key taken from the file or from the variable it names. */
function providersOf(file: SettingsFile | null, settingsFile: string, env: Env): ProviderSettings[] {
  return Object.entries(file?.providers ?? {}).map(([id, provider]) => {
    let apiKey = provider.apiKey ?? null;
    if (provider.apiKeyEnv) {
      apiKey = env[provider.apiKeyEnv] ?? null;
      if (!apiKey) {
        throw new AppError("PRECONDITION_FAILED", `The settings file ${settingsFile} says provider "${id}" takes its key from ${provider.apiKeyEnv}, which is not set`);
      }
    }
    return { id, name: provider.name ?? id, baseURL: provider.baseURL, apiKey, models: provider.models };
  });
}

/** The default model: BOOCHAT_MODEL_BASE_URL + BOOCHAT_MODEL (a provider of its own), else the file's, else the first provider's first. */
function defaultModel(source: AgentSettingsSource, file: SettingsFile | null, providers: ProviderSettings[]): ModelRef | null {
  const { baseUrl, apiKey, id: modelId } = source.model;
  let model: ModelRef | null = null;
  if (baseUrl) {
    if (!modelId) throw new AppError("PRECONDITION_FAILED", "BOOCHAT_MODEL_BASE_URL is set but BOOCHAT_MODEL (the model id) is not");
    if (providers.some((p) => p.id === ENV_PROVIDER_ID)) {
      throw new AppError("PRECONDITION_FAILED", `The settings file ${source.settingsFile} defines a provider "${ENV_PROVIDER_ID}", a name kept for BOOCHAT_MODEL_BASE_URL`);
    }
    providers.unshift({ id: ENV_PROVIDER_ID, name: "BooChat model (BOOCHAT_MODEL_BASE_URL)", baseURL: baseUrl, apiKey, models: [modelId] });
    model = { providerID: ENV_PROVIDER_ID, modelID: modelId };
  } else if (modelId) {
    // Without a base URL, BOOCHAT_MODEL names a model of a provider from the settings file.
    model = parseModelRef(modelId);
    if (!model) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `BOOCHAT_MODEL is "${modelId}" but BOOCHAT_MODEL_BASE_URL is not set: set it, or name a settings-file model as "<provider>/<model>"`,
      );
    }
  }
  if (file?.model && !baseUrl) model = parseModelRef(file.model);
  if (!model && providers[0]?.models[0]) model = { providerID: providers[0].id, modelID: providers[0].models[0] };
  if (model) {
    const ref = model;
    const provider = providers.find((p) => p.id === ref.providerID);
    if (!provider) throw new AppError("PRECONDITION_FAILED", `The model ${formatModelRef(ref)} names provider "${ref.providerID}", which is not configured`);
    if (!provider.models.includes(ref.modelID)) provider.models.push(ref.modelID);
  }
  return model;
}

/**
 * Agent settings from BooChat's settings (the model variables) and the settings file
 * (BOOCHAT_SETTINGS_FILE, default `<data>/settings.json`). `env` only answers a provider's `apiKeyEnv`.
 */
export function readAgentSettings(options: { settings: AgentSettingsSource; env?: Env; cwd?: string }): AgentSettings {
  const { settingsFile } = options.settings;
  const file = readSettingsFile(settingsFile);
  const providers = providersOf(file, settingsFile, options.env ?? process.env);
  const model = defaultModel(options.settings, file, providers);
  const externalAgents = (file?.agents ?? []).map((agent) => ({ name: agent.name, command: agent.command, prompt: agent.prompt, env: agent.env ?? {} }));
  const names = new Set<string>(["opencode"]);
  for (const agent of externalAgents) {
    if (names.has(agent.name)) throw new AppError("PRECONDITION_FAILED", `The settings file ${settingsFile} defines the agent name "${agent.name}" twice (or it is reserved)`);
    names.add(agent.name);
  }
  return {
    model,
    providers,
    externalAgents,
    opencodeAgent: file?.opencodeAgent ?? "build",
    systemPrompt: file?.systemPrompt ?? null,
    tools: file?.tools ?? null,
    modelRetries: file?.modelRetries ?? 3,
    silenceMs: 15_000,
    skillsDir: path.resolve(options.cwd ?? process.cwd(), file?.skillsDir ?? "skills"),
    settingsFile: file ? settingsFile : null,
    boochatMcp: boochatMcpFrom(options.settings.mcpUrl, options.settings.app),
    ...hostLossTimeoutFrom(options.env ?? process.env),
  };
}

/** BOOCHAT_HOST_LOSS_TIMEOUT_MS: how long a host service may stay silent while it runs tasks (docs/HOSTS.md). */
function hostLossTimeoutFrom(env: Env): { hostLossTimeoutMs?: number } {
  const text = env.BOOCHAT_HOST_LOSS_TIMEOUT_MS;
  if (text === undefined || text === "") return {};
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1_000) throw new AppError("PRECONDITION_FAILED", `BOOCHAT_HOST_LOSS_TIMEOUT_MS must be a whole number of milliseconds, at least 1000 (it is "${text}")`);
  return { hostLossTimeoutMs: ms };
}

/**
 * Where opencode reaches BooChat's MCP server: BOOCHAT_MCP_URL, else the running app's own
 * address (PORT and HOST; a wildcard HOST is reached on 127.0.0.1). Unknown (no app, as in tests
 * of the runtime alone): null, and runs get no BooChat tools. opencode authenticates with its own
 * token (`getAgentToken`): it opens the MCP route only, and only until BooChat restarts, so
 * nothing an agent runs ever holds BooChat's API token or password.
 */
export function boochatMcpFrom(mcpUrl: string | null, app: Pick<Settings, "port" | "host"> | undefined, token: string = getAgentToken()): BoochatMcpSettings | null {
  if (mcpUrl) return { url: mcpUrl, token };
  if (!app) return null;
  const host = app.host;
  // A wildcard address is where the app listens, not where to reach it.
  const reachable = host === "0.0.0.0" || host === "::" || host === "[::]" ? "127.0.0.1" : host;
  const hostPart = reachable.includes(":") && !reachable.startsWith("[") ? `[${reachable}]` : reachable;
  return { url: `http://${hostPart}:${app.port}/api/mcp`, token };
}
