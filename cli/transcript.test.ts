import { describe, expect, it } from "vitest";
import type { ChatEvent, StoredMessage, StoredPart } from "../server/schemas/chat-event";
import { TaskTranscript, TranscriptPrinter } from "./transcript";

const TASK = "task-1";

function message(parts: StoredPart[], id = "m1", taskId = TASK): StoredMessage {
  return { id, chatId: "chat", taskId, role: "assistant", parts, createdAt: `2026-01-01T00:00:0${id.slice(-1)}.000Z` };
}
const text = (t: string, id = "p1"): StoredPart => ({ id, type: "text", text: t });
const delta = (d: string, partId = "p1", messageId = "m1"): ChatEvent => ({ type: "delta", messageId, partId, kind: "text", delta: d });

/** A transcript and printer whose output is kept: what the user would see on each stream. */
function setup() {
  const transcript = new TaskTranscript(TASK);
  const out = { stdout: "", stderr: "" };
  const printer = new TranscriptPrinter({ text: (c) => void (out.stdout += c), line: (l) => void (out.stderr += `${l}\n`) });
  const apply = (...events: ChatEvent[]) => {
    for (const event of events) {
      transcript.apply(event);
      printer.print(transcript.segments());
    }
  };
  return { transcript, printer, out, apply };
}

describe("a task's transcript on the terminal", () => {
  it("prints deltas as they come and ends the text with a newline", () => {
    const { out, apply, printer, transcript } = setup();
    apply({ type: "message", message: message([]) }, delta("Hello"), delta(" from"));
    expect(out.stdout).toBe("Hello from");
    apply(delta(" the model."));
    printer.print(transcript.segments(), true);
    printer.finish();
    expect(out.stdout).toBe("Hello from the model.\n");
  });

  it("ignores other tasks' messages in the same chat", () => {
    const { out, apply } = setup();
    apply({ type: "message", message: message([text("not mine")], "m2", "task-2") }, delta("more", "p1", "m2"));
    expect(out.stdout).toBe("");
  });

  it("prints a tool call once, as one line on stderr, when it has finished", () => {
    const { out, apply } = setup();
    const tool = (status: "running" | "completed"): StoredPart => ({ id: "t1", type: "tool", tool: "write", status, title: "wrote hello.txt" });
    apply({ type: "message", message: message([]) }, delta("Writing it."));
    apply({ type: "message", message: message([text("Writing it."), tool("running")]) });
    expect(out.stderr).toBe("");
    apply({ type: "message", message: message([text("Writing it."), tool("completed")]) });
    apply({ type: "message", message: message([text("Writing it."), tool("completed")]) }, delta("Done.", "p2"));
    // The tool line starts on a line of its own; the next text part is a paragraph of its own.
    expect(out.stderr).toBe("\n  ✓ wrote hello.txt\n");
    expect(out.stdout).toBe("Writing it.\nDone.");
  });

  it("never prints text it cannot vouch for when it joins a run mid-stream", () => {
    const { out, transcript, printer, apply } = setup();
    // Live text is "Hello from the" but the database has only "Hello" so far (it is written now and then).
    transcript.load([message([text("Hello")])]);
    printer.print(transcript.segments());
    expect(out.stdout).toBe("Hello");
    // A delta after an unknown gap: applying it would print "Hello scripted".
    apply(delta(" scripted"));
    expect(out.stdout).toBe("Hello");
    // The run's next full message syncs us; from there deltas are exact.
    expect(transcript.isBehind()).toBe(true);
    apply({ type: "message", message: message([text("Hello from the scripted")]) }, delta(" model"));
    expect(out.stdout).toBe("Hello from the scripted model");
    expect(transcript.isBehind()).toBe(false);
  });

  it("keeps live text that is ahead of a stored reload, and completes from the stored end state", () => {
    const { out, transcript, printer, apply } = setup();
    apply({ type: "message", message: message([]) }, delta("Hello"), delta(" from"), delta(" the"));
    transcript.load([message([text("Hello")])]);
    apply(delta(" model"));
    expect(out.stdout).toBe("Hello from the model");
    // The task ended; a delta was lost on the way, the stored message has it all.
    transcript.load([message([text("Hello from the model, streamed.")])], true);
    printer.print(transcript.segments(), true);
    printer.finish();
    expect(out.stdout).toBe("Hello from the model, streamed.\n");
  });
});

describe("watch exit codes", () => {
  it("maps the task's end to 0 succeeded, 2 failed, 3 cancelled", async () => {
    const { exitCodeOf } = await import("./commands/watch");
    expect([exitCodeOf("succeeded"), exitCodeOf("failed"), exitCodeOf("cancelled")]).toEqual([0, 2, 3]);
  });
});
