import { markEdits, tokenize, type HunkData, type HunkTokens } from "react-diff-view";
import type { Refractor, Syntax } from "refractor/core";

// Prism (refractor) and each language load only when a diff in that language is drawn; react-diff-view
// tokenizes whole hunks, so a token that spans lines (a block comment) is coloured right.
const languages: Record<string, () => Promise<{ default: Syntax }>> = {
  typescript: () => import("refractor/typescript"),
  tsx: () => import("refractor/tsx"),
  javascript: () => import("refractor/javascript"),
  jsx: () => import("refractor/jsx"),
  json: () => import("refractor/json"),
  css: () => import("refractor/css"),
  markup: () => import("refractor/markup"),
  markdown: () => import("refractor/markdown"),
  yaml: () => import("refractor/yaml"),
  bash: () => import("refractor/bash"),
  python: () => import("refractor/python"),
  go: () => import("refractor/go"),
  rust: () => import("refractor/rust"),
  java: () => import("refractor/java"),
  sql: () => import("refractor/sql"),
  c: () => import("refractor/c"),
  cpp: () => import("refractor/cpp"),
  ruby: () => import("refractor/ruby"),
  php: () => import("refractor/php"),
};

const byExtension: Record<string, string> = {
  ts: "typescript", mts: "typescript", cts: "typescript", tsx: "tsx", js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "jsx",
  json: "json", css: "css", html: "markup", xml: "markup", svg: "markup", md: "markdown", yml: "yaml", yaml: "yaml", sh: "bash", bash: "bash",
  py: "python", go: "go", rs: "rust", java: "java", sql: "sql", c: "c", h: "c", cc: "cpp", cpp: "cpp", hpp: "cpp", rb: "ruby", php: "php",
};

/** The language a file is highlighted in, from its extension; null leaves it plain. */
export function languageOf(path: string): string | null {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (extension && byExtension[extension]) || null;
}

let core: Promise<Refractor> | null = null;

/**
 * The hunks' tokens: syntax colours when the language is one we load, and the changed words of a
 * changed line marked either way. Runs when the browser is idle (see useDiffTokens).
 */
export async function tokenizeHunks(hunks: HunkData[], language: string | null): Promise<HunkTokens> {
  const load = language ? languages[language] : undefined;
  const enhancers = [markEdits(hunks, { type: "block" })];
  if (!language || !load) return tokenize(hunks, { enhancers });
  core ??= import("refractor/core").then((m) => m.refractor);
  const refractor = await core;
  if (!refractor.registered(language)) refractor.register((await load()).default);
  // react-diff-view expects refractor 3's highlight (an array of nodes); refractor 5 answers a root.
  const adapter = { highlight: (text: string, lang: string) => refractor.highlight(text, lang).children };
  return tokenize(hunks, { highlight: true, refractor: adapter as never, language, enhancers });
}
