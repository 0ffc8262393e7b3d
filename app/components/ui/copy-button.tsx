"use client";

import { useEffect, useState } from "react";
import { CheckIcon, CopyIcon } from "./icons";
import { useNotifications } from "./notifications";

/** navigator.clipboard exists only in secure contexts (not plain http beyond localhost): fall back to execCommand there. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  return copied;
}

/**
 * An icon button that copies `text` and says so: the icon turns to a check and screen readers
 * hear "Copied". It has no text of its own, so a message's text content stays the message.
 */
export function CopyButton({ text, label, className = "" }: { text: () => string; label: string; className?: string }) {
  const { announce } = useNotifications();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2_000);
    return () => window.clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      onClick={async () => {
        const ok = await copyText(text());
        setCopied(ok);
        announce(ok ? "Copied to the clipboard" : "Could not copy: the browser refused");
      }}
      className={`inline-flex h-7 w-7 items-center justify-center rounded text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300 dark:hover:bg-zinc-800 ${className}`}
    >
      {copied ? <CheckIcon className="h-4 w-4" /> : <CopyIcon className="h-4 w-4" />}
    </button>
  );
}
