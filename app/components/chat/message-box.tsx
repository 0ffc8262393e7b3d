"use client";

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "../ui/button";
import { takeMessageBoxFocusRequest } from "./message-focus";
import { useStoredState } from "./use-stored-state";

export type SendOutcome = "sent" | "busy" | "failed";

const MAX_BUSY_RETRIES = 10;

/**
 * The message box. While the agent runs, Enter queues the message (shown below, with Cancel);
 * the first queued one is sent when the task ends. The draft and the queue live in localStorage,
 * per tab, so a reload loses neither.
 */
export function MessageBox(props: {
  chatId: string;
  text: string;
  onTextChange: (text: string) => void;
  running: boolean;
  /** False until the tab's last task is known: a queued message must not go out while it may still run. */
  ready: boolean;
  sending: boolean;
  /** "busy": the server still saw the last task running (its end reached us first): try again shortly. */
  onSend: (text: string) => Promise<SendOutcome>;
}) {
  const { chatId, text, running, ready, sending } = props;
  const [queued, setQueued] = useStoredState<string[]>(`boochat:queued:${chatId}`, []);
  const box = useRef<HTMLTextAreaElement>(null);
  const inFlight = useRef(false);
  const [retries, setRetries] = useState(0);

  useEffect(() => {
    if (takeMessageBoxFocusRequest()) box.current?.focus();
  }, []);

  // The agent is free and a message waits: send it. "Busy" is retried a few times, a second apart;
  // any other refusal puts the message back in the box (with its reason shown), never in a loop.
  const next = queued[0];
  useEffect(() => {
    if (!ready || running || sending || next === undefined || inFlight.current) return;
    inFlight.current = true;
    setQueued((list) => list.slice(1));
    void props.onSend(next).then((outcome) => {
      inFlight.current = false;
      if (outcome === "busy" && retries < MAX_BUSY_RETRIES) {
        setQueued((list) => [next, ...list]);
        window.setTimeout(() => setRetries((n) => n + 1), 1_000);
        return;
      }
      setRetries(0);
      if (outcome !== "sent") props.onTextChange(text.trim() ? `${next}\n\n${text}` : next);
    });
    // Only these decide when to send; the callbacks are fresh on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, running, sending, next, retries]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const message = text.trim();
    if (!message || sending) return;
    if (running || queued.length > 0) {
      setQueued((list) => [...list, message]);
      props.onTextChange("");
      return;
    }
    void props.onSend(message).then((outcome) => {
      // Still busy on the server (our view of the last task ran ahead of it): it waits its turn.
      if (outcome === "busy") setQueued((list) => [...list, message]);
      if (outcome !== "failed") props.onTextChange("");
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  const queueing = running || queued.length > 0;

  return (
    <>
      {queued.length > 0 ? (
        <section aria-label="Queued messages" className="rounded-md border border-indigo-300 bg-indigo-50 px-3 py-2 text-sm dark:border-indigo-800 dark:bg-indigo-950">
          <p className="text-xs font-medium text-indigo-900 dark:text-indigo-200">Queued: sent when the agent finishes</p>
          <ul className="mt-1 space-y-1">
            {queued.map((message, index) => (
              <li key={`${index}:${message}`} className="flex items-center gap-2">
                <span className="min-w-0 flex-1 truncate">{message}</span>
                <Button
                  variant="ghost"
                  className="min-h-7 px-2 py-0.5 text-xs"
                  aria-label={`Cancel queued message: ${message}`}
                  onClick={() => {
                    setQueued((list) => list.filter((_, i) => i !== index));
                    // Nothing typed is lost: the cancelled message goes back into an empty box.
                    if (!text.trim()) props.onTextChange(message);
                  }}
                >
                  Cancel
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <form onSubmit={submit} className="flex items-end gap-2">
        <textarea
          ref={box}
          id={`message-${chatId}`}
          aria-label="Message"
          rows={2}
          value={text}
          onChange={(event) => props.onTextChange(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={running ? "The agent is working… Enter queues your message" : "Ask the agent… (Enter sends, Shift+Enter for a new line)"}
          className="min-h-[2.5rem] min-w-0 flex-1 resize-y rounded-md border border-zinc-400 bg-white px-3 py-2 text-sm placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-600 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
        />
        <Button type="submit" variant="primary" disabled={sending || text.trim() === ""}>
          {queueing ? "Queue" : "Send"}
        </Button>
      </form>
    </>
  );
}
