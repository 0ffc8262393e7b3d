/**
 * How big a drill runs. In the test suite (CI) every drill runs small with a fixed seed, so its share
 * of `npm test` stays small and a failure reproduces; `npm run drills` sets BOOCHAT_DRILLS_SCALE=full
 * for the counts the issue asks for (docs/RELIABILITY.md records a full run).
 */
export type DrillScale = "ci" | "full";

export function drillScale(): DrillScale {
  return process.env.BOOCHAT_DRILLS_SCALE === "full" ? "full" : "ci";
}

/** The count for this scale; BOOCHAT_DRILLS_<NAME> (e.g. BOOCHAT_DRILLS_SIDECAR_FUZZ=500) overrides either. */
export function drillCount(name: string, counts: { ci: number; full: number }): number {
  const override = process.env[`BOOCHAT_DRILLS_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`];
  if (override && /^\d+$/.test(override)) return Number(override);
  return counts[drillScale()];
}

/** The seed of every generator and random kill point: fixed unless BOOCHAT_DRILLS_SEED says otherwise. */
export function drillSeed(): number {
  const seed = process.env.BOOCHAT_DRILLS_SEED;
  return seed && /^\d+$/.test(seed) ? Number(seed) : 19;
}

/** A small seeded generator (mulberry32) for kill points and choices outside fast-check. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
