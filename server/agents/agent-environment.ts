/**
 * What an agent's process may see of BooChat's own environment: enough to find programs, read the
 * user's locale and terminal, and write temp files. Nothing else is passed on, so BooChat's
 * password, API token, sidecar token and model keys never reach a process an agent runs.
 */
const PASSED_THROUGH = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TERM", "TMPDIR", "TZ"] as const;

/** The allowlisted variables of `env` (default: this process's), with PATH always set. */
export function allowlistedEnvironment(env: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  out.PATH ??= "/usr/bin:/bin";
  return out;
}

/** An external agent's environment: the allowlist, the user's identity and home, and its own `env` from the settings. */
export function externalAgentEnvironment(agent: { name: string; env: Record<string, string> }, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const identity: Record<string, string> = {};
  for (const name of ["HOME", "USER", "LOGNAME", "SHELL"] as const) {
    const value = env[name];
    if (value !== undefined) identity[name] = value;
  }
  return { ...allowlistedEnvironment(env), ...identity, ...agent.env, BOOCHAT_AGENT: agent.name };
}
