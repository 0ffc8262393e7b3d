/** What the e2e model server answers: prompts containing the marker stream these chunks, in order. */
export const STREAM_MARKER = "e2e-stream";
export const STREAMED_CHUNKS = ["Hello", " from", " the", " scripted", " model", ",", " streamed", " one", " chunk", " at", " a", " time", " and", " in", " order", "."];
/** Slow enough that a busy 2-core machine still shows the text growing in several steps. */
export const CHUNK_DELAY_MS = 250;
