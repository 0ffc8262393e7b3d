import { runCli } from "./run";

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
process.exitCode = code;
// An SSE connection winding down must not keep a finished command waiting.
setTimeout(() => process.exit(code), 500).unref();
