/**
 * Splits an agent's Markdown into top-level blocks (paragraphs, lists, fenced code, tables), so a
 * streaming message re-parses only its last block: the finished ones are memoized by their text.
 * A blank line ends a block unless it is inside a fence or what follows continues the block
 * (an indented line, or another list item after a list).
 */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])\s/;

export function splitMarkdownBlocks(text: string): string[] {
  const lines = text.split("\n");
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let inList = false;
  const flush = () => {
    if (current.length > 0) blocks.push(current.join("\n"));
    current = [];
    inList = false;
  };
  lines.forEach((line, index) => {
    const fenceMark = FENCE.exec(line)?.[1] ?? null;
    if (fence) {
      current.push(line);
      // A closing fence: the same character, at least as long, nothing after it.
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && line.trim() === fenceMark) fence = null;
      return;
    }
    if (fenceMark) {
      fence = fenceMark;
      current.push(line);
      return;
    }
    if (line.trim() === "") {
      const next = lines[index + 1];
      const continues = next !== undefined && next.trim() !== "" && (/^\s/.test(next) || (inList && LIST_ITEM.test(next)));
      if (continues) current.push(line);
      else flush();
      return;
    }
    if (current.length === 0) inList = LIST_ITEM.test(line);
    current.push(line);
  });
  flush();
  return blocks;
}
