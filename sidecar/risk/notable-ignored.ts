import path from "node:path";

const NOTABLE = [/^\.env(\..+)?$/, /\.(pem|key|p12|pfx|keystore|jks|tfstate)$/, /^id_(rsa|dsa|ecdsa|ed25519)$/, /^\.npmrc$/, /^\.netrc$/];

/** Ignored files a person would miss after the worktree directory is gone (secrets, local config). */
export function pickNotableIgnored(ignored: readonly string[]): string[] {
  return ignored.filter((file) => !file.endsWith("/") && NOTABLE.some((pattern) => pattern.test(path.posix.basename(file))));
}
