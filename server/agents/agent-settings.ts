import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { getAgentToken } from "../security/access-secrets";

/**
 * What the agent side needs to know (docs/AGENTS.md): the model from three environment
 * variables, plus an optional settings file with more providers and external agents.
 */

export type ModelRef = { providerID: string; modelID: string };

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
      .regex(/^[^/\s]+\/\S+$/, "must be \"<provider>/<model>\"")
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

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`)
    .join("; ");
}

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
    throw new AppError("PRECONDITION_FAILED", `The settings file ${file} is invalid: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function parseModelRef(value: string): ModelRef | null {
  const slash = value.indexOf("/");
  if (slash <= 0 || slash === value.length - 1) return null;
  return { providerID: value.slice(0, slash), modelID: value.slice(slash + 1) };
}

export function formatModelRef(model: ModelRef): string {
  return `${model.providerID}/${model.modelID}`;
}

/** Agent settings from the environment and the settings file (`BOOCHAT_SETTINGS_FILE`, default `<dataDir>/settings.json`). */
export function readAgentSettings(options: { env?: Record<string, string | undefined>; dataDir: string; cwd?: string }): AgentSettings {
  const env = options.env ?? process.env;
  const settingsFile = env.BOOCHAT_SETTINGS_FILE?.trim() || path.join(options.dataDir, "settings.json");
  const file = readSettingsFile(settingsFile);

  const providers: ProviderSettings[] = [];
  for (const [id, provider] of Object.entries(file?.providers ?? {})) {
    let apiKey = provider.apiKey ?? null;
    if (provider.apiKeyEnv) {
      apiKey = env[provider.apiKeyEnv] ?? null;
      if (!apiKey) {
        throw new AppError(
          "PRECONDITION_FAILED",
          `The settings file ${settingsFile} says provider "${id}" takes its key from ${provider.apiKeyEnv}, which is not set`,
        );
      }
    }
    providers.push({ id, name: provider.name ?? id, baseURL: provider.baseURL, apiKey, models: provider.models });
  }

  const baseURL = env.BOOCHAT_MODEL_BASE_URL?.trim();
  const modelId = env.BOOCHAT_MODEL?.trim();
  let model: ModelRef | null = null;
  if (baseURL) {
    if (!z.url().safeParse(baseURL).success) {
      throw new AppError("PRECONDITION_FAILED", `BOOCHAT_MODEL_BASE_URL must be a URL such as https://api.example.com/v1, got "${baseURL}"`);
    }
    if (!modelId) throw new AppError("PRECONDITION_FAILED", "BOOCHAT_MODEL_BASE_URL is set but BOOCHAT_MODEL (the model id) is not");
    if (providers.some((p) => p.id === ENV_PROVIDER_ID)) {
      throw new AppError("PRECONDITION_FAILED", `The settings file ${settingsFile} defines a provider "${ENV_PROVIDER_ID}", a name kept for BOOCHAT_MODEL_BASE_URL`);
    }
    providers.unshift({
      id: ENV_PROVIDER_ID,
      name: "BooChat model (BOOCHAT_MODEL_BASE_URL)",
      baseURL,
      apiKey: env.BOOCHAT_MODEL_API_KEY?.trim() || null,
      models: [modelId],
    });
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
  if (file?.model && !baseURL) model = parseModelRef(file.model);
  if (!model && providers[0]?.models[0]) model = { providerID: providers[0].id, modelID: providers[0].models[0] };
  if (model) {
    const ref = model;
    const provider = providers.find((p) => p.id === ref.providerID);
    if (!provider) throw new AppError("PRECONDITION_FAILED", `The model ${formatModelRef(ref)} names provider "${ref.providerID}", which is not configured`);
    if (!provider.models.includes(ref.modelID)) provider.models.push(ref.modelID);
  }

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
    boochatMcp: boochatMcpFrom(env),
  };
}

/**
 * Where opencode reaches BooChat's MCP server: BOOCHAT_MCP_URL, else the running app's own
 * address (PORT, which `npm start` sets; HOST when it names one host). Unknown (no app, as in
 * tests of the runtime alone): null, and runs get no BooChat tools. opencode authenticates with
 * its own token (`getAgentToken`): it opens the MCP route only, and only until BooChat restarts,
 * so nothing an agent runs ever holds BooChat's API token or password.
 */
export function boochatMcpFrom(env: Record<string, string | undefined>, token: string = getAgentToken()): BoochatMcpSettings | null {
  const explicit = env.BOOCHAT_MCP_URL?.trim();
  if (explicit) {
    if (!z.url().safeParse(explicit).success) {
      throw new AppError("PRECONDITION_FAILED", `BOOCHAT_MCP_URL must be a URL such as http://127.0.0.1:3000/api/mcp, got "${explicit}"`);
    }
    return { url: explicit, token };
  }
  const port = Number(env.PORT?.trim() ?? "");
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) return null;
  const host = env.HOST?.trim();
  // A wildcard address is where the app listens, not where to reach it.
  const reachable = !host || host === "0.0.0.0" || host === "::" || host === "[::]" ? "127.0.0.1" : host;
  const hostPart = reachable.includes(":") && !reachable.startsWith("[") ? `[${reachable}]` : reachable;
  return { url: `http://${hostPart}:${port}/api/mcp`, token };
}

/** opencode's configuration for these settings (OPENCODE_CONFIG_CONTENT). */
export function buildOpencodeConfig(settings: AgentSettings): Record<string, unknown> {
  const provider: Record<string, unknown> = {};
  for (const p of settings.providers) {
    provider[p.id] = {
      npm: "@ai-sdk/openai-compatible",
      name: p.name,
      options: { baseURL: p.baseURL, ...(p.apiKey ? { apiKey: p.apiKey } : { apiKey: "none" }) },
      models: Object.fromEntries(p.models.map((m) => [m, { name: m }])),
    };
  }
  const model = settings.model ? formatModelRef(settings.model) : undefined;
  return {
    $schema: "https://opencode.ai/config.json",
    provider,
    ...(model ? { model, small_model: model } : {}),
    enabled_providers: settings.providers.map((p) => p.id),
    // Runs are unattended: every tool is allowed, and the tool that asks the user a question is off.
    permission: { "*": "allow", question: "deny" },
    autoupdate: false,
    share: "disabled",
    // Files are left exactly as the agent wrote them, and nothing is downloaded.
    formatter: false,
    lsp: false,
    snapshot: false,
    // BooChat itself, so an agent can start a follow-up task (tool `boochat_new_task`); OAuth off: its bearer token.
    ...(settings.boochatMcp
      ? {
          mcp: {
            boochat: {
              type: "remote",
              url: settings.boochatMcp.url,
              enabled: true,
              oauth: false,
              headers: { authorization: `Bearer ${settings.boochatMcp.token}` },
            },
          },
        }
      : {}),
  };
}
