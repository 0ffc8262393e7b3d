"use client";

import { useEffect, useState } from "react";
import { CopyButton } from "../ui/copy-button";
import { highlight, knownLanguage } from "./highlighter";

/**
 * A fenced code block: plain at once, highlighted once its text has been still for a moment (a
 * streaming block is not re-highlighted per token), with a copy button.
 */
export function CodeBlock({ code, language }: { code: string; language: string | null }) {
  const [html, setHtml] = useState<{ code: string; html: string } | null>(null);
  useEffect(() => {
    if (!knownLanguage(language)) return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      void highlight(code, language).then((result) => {
        if (!cancelled && result !== null) setHtml({ code, html: result });
      });
    }, 150);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [code, language]);

  return (
    <div className="group relative my-2 rounded-md border border-zinc-200 bg-zinc-100 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center justify-between border-b border-zinc-200 px-2 py-0.5 text-xs text-zinc-700 dark:border-zinc-800 dark:text-zinc-300">
        <span>{language ?? "code"}</span>
        <CopyButton text={() => code} label="Copy code" />
      </div>
      {/* Focusable, so a keyboard can scroll a long line into view. */}
      <pre tabIndex={0} className="overflow-x-auto p-3 font-mono text-xs leading-relaxed focus-visible:outline-2 focus-visible:outline-indigo-500">
        {html && html.code === code ? <code className="hljs" dangerouslySetInnerHTML={{ __html: html.html }} /> : <code>{code}</code>}
      </pre>
    </div>
  );
}
