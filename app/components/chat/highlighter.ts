import type { HLJSApi, LanguageFn } from "highlight.js";

// highlight.js's core and each language load only when a code block in that language is shown:
// a chat without code pays nothing, one with TypeScript pays for TypeScript alone.
const languages: Record<string, () => Promise<{ default: LanguageFn }>> = {
  typescript: () => import("highlight.js/lib/languages/typescript"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  json: () => import("highlight.js/lib/languages/json"),
  bash: () => import("highlight.js/lib/languages/bash"),
  shell: () => import("highlight.js/lib/languages/shell"),
  python: () => import("highlight.js/lib/languages/python"),
  diff: () => import("highlight.js/lib/languages/diff"),
  css: () => import("highlight.js/lib/languages/css"),
  xml: () => import("highlight.js/lib/languages/xml"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  go: () => import("highlight.js/lib/languages/go"),
  rust: () => import("highlight.js/lib/languages/rust"),
  java: () => import("highlight.js/lib/languages/java"),
  sql: () => import("highlight.js/lib/languages/sql"),
  c: () => import("highlight.js/lib/languages/c"),
  cpp: () => import("highlight.js/lib/languages/cpp"),
  ruby: () => import("highlight.js/lib/languages/ruby"),
  php: () => import("highlight.js/lib/languages/php"),
};

const aliases: Record<string, string> = {
  ts: "typescript", tsx: "typescript", js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript",
  sh: "bash", zsh: "bash", console: "shell", py: "python", html: "xml", svg: "xml", yml: "yaml", md: "markdown",
  rs: "rust", golang: "go", "c++": "cpp", rb: "ruby", patch: "diff",
};

let core: Promise<HLJSApi> | null = null;

/** The language's canonical name when it is one we highlight, else null (the block stays plain). */
export function knownLanguage(name: string | null): string | null {
  if (!name) return null;
  const lower = name.toLowerCase();
  const canonical = aliases[lower] ?? lower;
  return canonical in languages ? canonical : null;
}

/** highlight.js's HTML for the code (it escapes the text itself), or null for a language we do not load. */
export async function highlight(code: string, language: string | null): Promise<string | null> {
  const canonical = knownLanguage(language);
  const load = canonical ? languages[canonical] : undefined;
  if (!canonical || !load) return null;
  core ??= import("highlight.js/lib/core").then((m) => m.default);
  const hljs = await core;
  if (!hljs.getLanguage(canonical)) hljs.registerLanguage(canonical, (await load()).default);
  return hljs.highlight(code, { language: canonical, ignoreIllegals: true }).value;
}
