// The e2e tests' model provider: the scripted OpenAI-compatible server, on a fixed port that the
// app under test is pointed at (playwright.config.ts starts it before the app).
import { startScriptedModelServer } from "../../tests/helpers/scripted-model-server";
import { ARENA_WRITE_MARKER, ARENA_WRITE_STEPS, CHUNK_DELAY_MS, DELEGATE_MARKER, DELEGATE_STEPS, REVIEW_ECHO_MARKER, REVIEW_ECHO_STEPS, SLOW_CHUNK_DELAY_MS, SLOW_CHUNKS, SLOW_MARKER, STREAM_MARKER, STREAMED_CHUNKS } from "./scripted-model-script";

const port = Number(process.env.BOOCHAT_E2E_MODEL_PORT ?? 4396);
const server = await startScriptedModelServer({ port });
server.script(STREAM_MARKER, [{ text: STREAMED_CHUNKS, chunkDelayMs: CHUNK_DELAY_MS, firstChunkDelayMs: 50 }]);
server.script(DELEGATE_MARKER, DELEGATE_STEPS);
server.script(REVIEW_ECHO_MARKER, REVIEW_ECHO_STEPS);
server.script(ARENA_WRITE_MARKER, ARENA_WRITE_STEPS);
server.script(SLOW_MARKER, [{ text: SLOW_CHUNKS, chunkDelayMs: SLOW_CHUNK_DELAY_MS, firstChunkDelayMs: 50 }]);
console.log(`scripted model listening on ${server.url}`);

const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
