import { describe, expect, it } from "vitest";
import { splitMarkdownBlocks } from "./markdown-blocks";

describe("splitMarkdownBlocks", () => {
  it("splits paragraphs at blank lines", () => {
    expect(splitMarkdownBlocks("One line.\nSame paragraph.\n\nSecond.")).toEqual(["One line.\nSame paragraph.", "Second."]);
  });

  it("keeps a fenced code block whole, blank lines and all", () => {
    const code = "```ts\nconst a = 1;\n\nconst b = 2;\n```";
    expect(splitMarkdownBlocks(`Before.\n\n${code}\n\nAfter.`)).toEqual(["Before.", code, "After."]);
  });

  it("keeps an unfinished fence open while the message streams", () => {
    expect(splitMarkdownBlocks("Look:\n\n```sh\nnpm test\n\n")).toEqual(["Look:", "```sh\nnpm test\n\n"]);
  });

  it("keeps a loose list and indented continuations in one block", () => {
    const list = "1. first\n\n2. second\n\n   more about the second";
    expect(splitMarkdownBlocks(`${list}\n\nDone.`)).toEqual([list, "Done."]);
  });

  it("gives the same blocks for the same text, so finished blocks keep their identity while the last grows", () => {
    const early = splitMarkdownBlocks("Intro.\n\nThe seco");
    const later = splitMarkdownBlocks("Intro.\n\nThe second paragraph.");
    expect(early[0]).toBe(later[0]);
  });
});
