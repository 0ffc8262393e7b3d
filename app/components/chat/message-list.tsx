"use client";

import { memo, useEffect, useRef } from "react";
import type { StoredMessage, StoredPart } from "@/server/schemas/chat-event";
import { CopyButton } from "../ui/copy-button";
import { MarkdownText } from "./markdown-text";

const toolMarks: Record<string, string> = { pending: "…", running: "⟳", completed: "✓", error: "✗" };
const toolWords: Record<string, string> = { pending: "waiting", running: "running", completed: "done", error: "failed" };

/** One tool call in one line: what it did (file written, command run) and how it went. */
function ToolLine({ part }: { part: Extract<StoredPart, { type: "tool" }> }) {
  const failed = part.status === "error";
  return (
    <details className="group rounded border border-zinc-200 bg-zinc-50 text-xs dark:border-zinc-800 dark:bg-zinc-900">
      <summary className={`flex cursor-pointer list-none items-center gap-2 px-2 py-1 font-mono ${failed ? "text-red-700 dark:text-red-400" : "text-zinc-700 dark:text-zinc-300"}`}>
        <span aria-hidden="true">{toolMarks[part.status] ?? "•"}</span>
        <span className="truncate">{part.title}</span>
        <span className="sr-only">({toolWords[part.status] ?? part.status})</span>
      </summary>
      {part.output || part.error ? (
        <pre tabIndex={0} className="max-h-60 overflow-auto border-t border-zinc-200 px-2 py-1 whitespace-pre-wrap dark:border-zinc-800">
          {part.error ?? part.output}
        </pre>
      ) : null}
    </details>
  );
}

function Part({ part, markdown }: { part: StoredPart; markdown: boolean }) {
  switch (part.type) {
    case "text":
      return markdown ? <MarkdownText text={part.text} /> : <p className="break-words whitespace-pre-wrap">{part.text}</p>;
    case "reasoning":
      return part.text ? (
        <details className="text-xs text-zinc-700 dark:text-zinc-300">
          <summary className="cursor-pointer">Thinking</summary>
          <p className="whitespace-pre-wrap">{part.text}</p>
        </details>
      ) : null;
    case "tool":
      return <ToolLine part={part} />;
    case "output":
      return (
        <pre tabIndex={0} className={`overflow-auto rounded bg-zinc-950 px-2 py-1 font-mono text-xs whitespace-pre-wrap ${part.stream === "stderr" ? "text-amber-300" : "text-zinc-100"}`}>
          {part.text}
        </pre>
      );
    case "error":
      return <p className="rounded border border-red-300 bg-red-50 px-2 py-1 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">{part.text}</p>;
  }
}

const textOf = (message: StoredMessage) =>
  message.parts
    .flatMap((p) => (p.type === "text" || p.type === "output" ? [p.text] : []))
    .join("\n\n");

/** One message; memoized, so a streaming answer re-renders only itself. */
const MessageItem = memo(function MessageItem({ message }: { message: StoredMessage }) {
  if (message.role === "user") {
    return (
      <div className="flex justify-end">
        <div className="max-w-[85%] min-w-0 rounded-lg bg-indigo-700 px-3 py-2 text-white" data-role="user">
          {message.parts.map((part) => (
            <Part key={part.id} part={part} markdown={false} />
          ))}
        </div>
      </div>
    );
  }
  const hasText = message.parts.some((p) => (p.type === "text" || p.type === "output") && p.text.trim() !== "");
  return (
    <article className="max-w-full min-w-0 space-y-2 md:max-w-[95%]" data-role="assistant" aria-label="Agent message">
      {message.parts.map((part) => (
        <Part key={part.id} part={part} markdown />
      ))}
      {hasText ? <CopyButton text={() => textOf(message)} label="Copy message" className="-ml-1" /> : null}
    </article>
  );
});

/**
 * The chat's messages, newest at the bottom; follows the stream while the user is at the bottom.
 * Not a live region (aria-live off): a screen reader would read the answer word by word. The
 * run's status line says when an answer is done instead.
 */
export function MessageList({ messages }: { messages: StoredMessage[] }) {
  const end = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    if (atBottom.current) end.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  return (
    <div
      className="min-h-0 flex-1 space-y-4 overflow-x-hidden overflow-y-auto px-3 py-4 text-sm md:px-5"
      role="log"
      aria-label="Messages"
      aria-live="off"
      tabIndex={0}
      onScroll={(event) => {
        const el = event.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {messages.length === 0 ? <p className="text-zinc-700 dark:text-zinc-300">No messages yet. This tab is its own agent context.</p> : null}
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} />
      ))}
      <div ref={end} />
    </div>
  );
}
