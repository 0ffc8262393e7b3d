import type { ScriptStep } from "../../tests/helpers/scripted-model-server";

/** What the e2e model server answers: prompts containing the marker stream these chunks, in order. */
export const STREAM_MARKER = "e2e-stream";
export const STREAMED_CHUNKS = ["Hello", " from", " the", " scripted", " model", ",", " streamed", " one", " chunk", " at", " a", " time", " and", " in", " order", "."];
/** Slow enough that a busy 2-core machine still shows the text growing in several steps. */
export const CHUNK_DELAY_MS = 250;

/** Prompts with this marker get a long answer (about 30 s) that a test can stop half-way. */
export const SLOW_MARKER = "e2e-slow";
export const SLOW_CHUNKS = Array.from({ length: 120 }, (_, i) => `slow${i} `);
export const SLOW_CHUNK_DELAY_MS = 250;

/**
 * "delegate: <text>": the model starts a follow-up task through BooChat's MCP tool `new_task`
 * (opencode names it `boochat_new_task`), passing `<text>` as the prompt and its own task id, read
 * from the system prompt, as `fromTaskId`; once the tool has answered it finishes with text.
 */
export const DELEGATE_MARKER = "delegate: ";
export const DELEGATED_REPLY = "I started a follow-up task for that.";

/** The id the run's system prompt gives as the one to pass as `fromTaskId`. */
export function taskIdFromSystemPrompt(system: string): string | null {
  return /fromTaskId["']?\s*[:=]?\s*["'`]([A-Za-z0-9_-]+)["'`]/.exec(system)?.[1] ?? null;
}

export const DELEGATE_STEPS: ScriptStep[] = [
  ({ lastUserText, systemText, toolNames }) => {
    // The exact name opencode gives MCP tools (`<server>_<tool>`): the run's system prompt names it too.
    const tool = toolNames.find((name) => name === "boochat_new_task");
    const fromTaskId = taskIdFromSystemPrompt(systemText);
    if (!tool) return { text: `No new_task tool was offered (tools: ${toolNames.join(", ")})` };
    if (!fromTaskId) return { text: "The system prompt names no task id to pass as fromTaskId" };
    const prompt = lastUserText.slice(lastUserText.indexOf(DELEGATE_MARKER) + DELEGATE_MARKER.length).trim();
    return { tool, args: { prompt, fromTaskId } };
  },
  { text: DELEGATED_REPLY },
];

/**
 * A review sent to an agent (issue 16) carries comments whose text holds this marker: the model
 * answers with the `path:line` references it found in that one message, so a test reads in the
 * tab what reached the model.
 */
export const REVIEW_ECHO_MARKER = "e2e-review-echo";
export const REVIEW_ECHO_STEPS: ScriptStep[] = [
  ({ lastUserText }) => {
    const refs = [...lastUserText.matchAll(/^([\w./-]+:\d+(?:-\d+)?)/gm)].map((m) => m[1]);
    return { text: `Review received in one message: ${refs.join(", ")}` };
  },
];

/**
 * Arena entries that change their worktree (issue 18's evidence and Compare): the model writes
 * `answer.txt` in the directory the run's system prompt names, then says so.
 */
export const ARENA_WRITE_MARKER = "e2e-arena-write";
export const ARENA_WRITE_STEPS: ScriptStep[] = [
  ({ systemText }) => {
    const cwd = /Working directory: (\S+)/.exec(systemText)?.[1] ?? "/nonexistent";
    return { tool: "write", args: { filePath: `${cwd}/answer.txt`, content: `an answer written in ${cwd.split("/").at(-1)}\n` } };
  },
  { text: "Wrote my answer." },
];
