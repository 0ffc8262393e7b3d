import { createHmac } from "node:crypto";

/**
 * The bearer token for the CLI and MCP clients when BooChat runs with `BOOCHAT_PASSWORD`:
 * derived from the password, so a client that knows the password (or was given the token)
 * can call the API without a browser sign-in. The label versions the derivation.
 */
export function apiTokenFromPassword(password: string): string {
  return createHmac("sha256", password).update("boochat-api-token-v1").digest("base64url");
}
