import { formatModelRef } from "../../schemas/model-ref";
import type { AgentSettings } from "../agent-settings";

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
