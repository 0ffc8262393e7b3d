"use client";

import type { Element, ElementContent } from "hast";
import { memo, useMemo, type ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";
import { splitMarkdownBlocks } from "./markdown-blocks";

function textOf(node: ElementContent): string {
  if (node.type === "text") return node.value;
  return "children" in node ? node.children.map(textOf).join("") : "";
}

/** The code element inside a `pre`: its text and its language (from `language-xyz`). */
function codeOf(pre: Element | undefined): { code: string; language: string | null } {
  const code = pre?.children.find((c): c is Element => c.type === "element" && c.tagName === "code");
  const classes = code?.properties.className;
  const language = Array.isArray(classes) ? (classes.map(String).find((c) => c.startsWith("language-"))?.slice(9) ?? null) : null;
  return { code: (code ? textOf(code) : "").replace(/\n$/, ""), language };
}

// Every heading of a message is an h2 (sized by its own level): an agent's "###" must not make
// the page's outline skip levels.
const headingSizes = ["text-lg", "text-base", "text-base", "text-sm", "text-sm", "text-sm"];
const heading = (level: number) =>
  function Heading({ children }: { children?: ReactNode }) {
    return <h2 className={`mt-3 mb-1 font-semibold ${headingSizes[level - 1]}`}>{children}</h2>;
  };

const components: Components = {
  pre: ({ node }) => {
    const { code, language } = codeOf(node);
    return <CodeBlock code={code} language={language} />;
  },
  code: ({ children }) => <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800">{children}</code>,
  // Links open in a new tab without handing it this page (no window.opener); react-markdown's
  // default urlTransform has already emptied javascript:, vbscript: and data: links.
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="break-words text-indigo-700 underline dark:text-indigo-300">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // No remote images in the chat (they would load from wherever the agent points): their text instead.
  img: ({ alt, src }) => <span className="italic">[image{alt ? `: ${alt}` : ""}{src ? ` (${src})` : ""}]</span>,
  p: ({ children }) => <p className="my-2 break-words first:mt-0 last:mb-0">{children}</p>,
  ul: ({ children }) => <ul className="my-2 ml-5 list-disc space-y-1">{children}</ul>,
  ol: ({ children, start }) => (
    <ol start={start} className="my-2 ml-5 list-decimal space-y-1">
      {children}
    </ol>
  ),
  blockquote: ({ children }) => <blockquote className="my-2 border-l-4 border-zinc-300 pl-3 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">{children}</blockquote>,
  table: ({ children }) => (
    <div tabIndex={0} className="my-2 overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-500">
      <table className="border-collapse text-left text-xs">{children}</table>
    </div>
  ),
  th: ({ children }) => <th className="border border-zinc-300 px-2 py-1 font-semibold dark:border-zinc-700">{children}</th>,
  td: ({ children }) => <td className="border border-zinc-300 px-2 py-1 dark:border-zinc-700">{children}</td>,
  h1: heading(1),
  h2: heading(2),
  h3: heading(3),
  h4: heading(4),
  h5: heading(5),
  h6: heading(6),
};

const MarkdownBlock = memo(function MarkdownBlock({ source }: { source: string }) {
  return (
    <Markdown remarkPlugins={[remarkGfm]} components={components} skipHtml>
      {source}
    </Markdown>
  );
});

/** An agent's text as Markdown (GFM), parsed block by block so streaming re-parses only the growing block. */
export function MarkdownText({ text }: { text: string }) {
  const blocks = useMemo(() => splitMarkdownBlocks(text), [text]);
  return (
    <div className="min-w-0 break-words">
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} source={block} />
      ))}
    </div>
  );
}
