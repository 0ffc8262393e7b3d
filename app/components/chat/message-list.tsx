"use client";

import { useEffect, useRef } from "react";
import type { StoredMessage, StoredPart } from "@/server/agents/message-parts";

const toolMarks: Record<string, string> = { pending: "…", running: "⟳", completed: "✓", error: "✗" };

/** One tool call in one line: what it did (file written, command run) and how it went. */
function ToolLine({ part }: { part: Extract<StoredPart, { type: "tool" }> }) {
  const failed = part.status === "error";
  return (
    <details className="group rounded border border-zinc-200 bg-zinc-50 text-xs dark:border-zinc-800 dark:bg-zinc-900">
      <summary
        className={`flex cursor-pointer list-none items-center gap-2 px-2 py-1 font-mono ${failed ? "text-red-700 dark:text-red-400" : "text-zinc-700 dark:text-zinc-300"}`}
      >
        <span aria-hidden="true">{toolMarks[part.status] ?? "•"}</span>
        <span className="truncate">{part.title}</span>
        <span className="sr-only">({part.status})</span>
      </summary>
      {part.output || part.error ? (
        <pre className="max-h-60 overflow-auto whitespace-pre-wrap border-t border-zinc-200 px-2 py-1 dark:border-zinc-800">{part.error ?? part.output}</pre>
      ) : null}
    </details>
  );
}

function Part({ part }: { part: StoredPart }) {
  switch (part.type) {
    case "text":
      return <p className="whitespace-pre-wrap break-words">{part.text}</p>;
    case "reasoning":
      return part.text ? (
        <details className="text-xs text-zinc-500">
          <summary className="cursor-pointer">Thinking</summary>
          <p className="whitespace-pre-wrap">{part.text}</p>
        </details>
      ) : null;
    case "tool":
      return <ToolLine part={part} />;
    case "output":
      return (
        <pre
          className={`overflow-auto whitespace-pre-wrap rounded bg-zinc-950 px-2 py-1 font-mono text-xs ${part.stream === "stderr" ? "text-amber-300" : "text-zinc-100"}`}
        >
          {part.text}
        </pre>
      );
    case "error":
      return <p className="rounded border border-red-300 bg-red-50 px-2 py-1 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">{part.text}</p>;
  }
}

/** The chat's messages, newest at the bottom; follows the stream while the user is at the bottom. */
export function MessageList({ messages }: { messages: StoredMessage[] }) {
  const end = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    if (atBottom.current) end.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  return (
    <div
      ref={container}
      className="min-h-0 flex-1 space-y-4 overflow-y-auto px-5 py-4 text-sm"
      role="log"
      aria-label="Messages"
      aria-live="polite"
      onScroll={(event) => {
        const el = event.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {messages.length === 0 ? <p className="text-zinc-500">No messages yet. This tab is its own agent context.</p> : null}
      {messages.map((message) =>
        message.role === "user" ? (
          <div key={message.id} className="flex justify-end">
            <div className="max-w-[80%] rounded-lg bg-indigo-600 px-3 py-2 text-white" data-role="user">
              {message.parts.map((part) => (
                <Part key={part.id} part={part} />
              ))}
            </div>
          </div>
        ) : (
          <article key={message.id} className="max-w-[95%] space-y-2" data-role="assistant" aria-label="Agent message">
            {message.parts.map((part) => (
              <Part key={part.id} part={part} />
            ))}
          </article>
        ),
      )}
      <div ref={end} />
    </div>
  );
}
