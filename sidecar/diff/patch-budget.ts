/**
 * Keeps a diff's patch text within a byte budget while git streams it: every file may use at most
 * `perFile` bytes and all of them together `total`; a patch is cut at a line end, never inside a
 * line. Memory stays within the budget whatever git prints (a 20 MB generated file, one 20 MB line).
 */

export type PatchSection = {
  /** the `diff --git ...` line, without its newline */
  header: string;
  /** the section's text from its header on, as kept */
  text: string;
  /** lines were left out */
  cut: boolean;
};

const HEADER = Buffer.from("diff --git ");
/** enough of a line to tell a section header apart */
const LINE_HEAD = 64;
/** a header names two paths (at most 4096 bytes each, quoted): always kept whole */
const MAX_HEADER = 40_000;

export class PatchBudget {
  private readonly sections: PatchSection[] = [];
  private current: { header: Buffer; kept: Buffer[]; size: number; cut: boolean } | null = null;
  private line: Buffer[] = [];
  private lineSize = 0;
  /** the line being read can no longer be kept whole: only its start is held */
  private lineOverflow = false;
  private used = 0;
  /** the total ran out: git is told to stop */
  private spent = false;

  constructor(
    private readonly total: number,
    private readonly perFile: number,
  ) {}

  /** Takes the next chunk of git's output; false once the total budget is spent (stop git). */
  push(chunk: Buffer): boolean {
    let start = 0;
    while (start < chunk.length && !this.spent) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.appendToLine(chunk.subarray(start, end));
      if (newline !== -1) this.endLine();
      start = end;
    }
    return !this.spent;
  }

  /** The sections read, in git's order; `complete` is false when git was stopped before its end. */
  finish(): { sections: PatchSection[]; complete: boolean } {
    if (!this.spent && this.lineSize > 0) this.endLine();
    this.closeSection();
    return { sections: this.sections, complete: !this.spent };
  }

  /** What the current section may still take: its own cap and what is left of the total. */
  private room(): number {
    if (this.current === null) return 0;
    return Math.min(this.perFile - this.current.size, this.total - this.used);
  }

  /** A line starting with the header's words, or too short yet to tell. */
  private mayBeHeader(part: Buffer): boolean {
    const start = Buffer.concat([...this.line, part.subarray(0, HEADER.length)]).subarray(0, HEADER.length);
    return start.equals(HEADER.subarray(0, start.length));
  }

  private appendToLine(part: Buffer): void {
    const limit = this.current === null || this.mayBeHeader(part) ? MAX_HEADER : Math.max(this.room(), LINE_HEAD);
    if (!this.lineOverflow && this.lineSize + part.length <= limit) {
      this.line.push(part);
      this.lineSize += part.length;
      return;
    }
    // Too long to keep: hold only the start, enough to recognise a header.
    if (!this.lineOverflow) {
      const head = Buffer.concat([...this.line, part]).subarray(0, LINE_HEAD);
      this.line = [head];
      this.lineOverflow = true;
    }
    this.lineSize += part.length;
  }

  private endLine(): void {
    const line = Buffer.concat(this.line);
    const overflow = this.lineOverflow;
    const size = this.lineSize;
    this.line = [];
    this.lineSize = 0;
    this.lineOverflow = false;
    if (line.subarray(0, HEADER.length).equals(HEADER)) {
      this.closeSection();
      // A header is short (two paths); one cut short still names its section, and the budget pays for it.
      this.current = { header: line, kept: [line], size: line.length, cut: overflow };
      this.used += line.length;
      if (this.used >= this.total) {
        // Stopped right after its header: whether more lines would have come is unknown, so say cut.
        this.spent = true;
        this.current.cut = true;
      }
      return;
    }
    const current = this.current;
    if (current === null || current.cut) return;
    if (!overflow && size <= this.room()) {
      current.kept.push(line);
      current.size += size;
      this.used += size;
      return;
    }
    current.cut = true;
    // Cut because the whole budget ran out (not only this file's share): nothing more can be kept.
    if (this.total - this.used <= this.perFile - current.size) this.spent = true;
  }

  private closeSection(): void {
    const current = this.current;
    if (current === null) return;
    this.current = null;
    const headerEnd = current.header.indexOf(10);
    this.sections.push({
      header: current.header.subarray(0, headerEnd === -1 ? current.header.length : headerEnd).toString("utf8"),
      text: Buffer.concat(current.kept).toString("utf8"),
      cut: current.cut,
    });
  }
}
