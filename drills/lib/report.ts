import fs from "node:fs";

/**
 * One drill's figures: what `npm run drills` prints as its line (drills/run.ts) and
 * docs/RELIABILITY.md records. `problems` are what the drill found wrong, in words; a drill passes
 * with none.
 */
export type DrillFigures = {
  drill: string;
  requests: number;
  faults: number;
  problems: string[];
  /** anything else worth a word on the line (e.g. "31 kills landed mid-migration") */
  notes?: string;
  /** set when the drill could not run here (e.g. mounting a tmpfs was refused): never a pass */
  skipped?: string;
  ms: number;
};

/** Appends the figures to BOOCHAT_DRILLS_REPORT (JSON lines) when `npm run drills` set it. */
export function reportDrill(figures: DrillFigures): void {
  const file = process.env.BOOCHAT_DRILLS_REPORT;
  if (file) fs.appendFileSync(file, `${JSON.stringify(figures)}\n`);
}

/** Collects a drill's problems, at most `keep` in full (the count stays exact). */
export function problemList(keep = 50) {
  const problems: string[] = [];
  let count = 0;
  return {
    add(problem: string) {
      count += 1;
      if (problems.length < keep) problems.push(problem);
    },
    get count() {
      return count;
    },
    list: () => (count > problems.length ? [...problems, `... and ${count - problems.length} more`] : [...problems]),
  };
}
