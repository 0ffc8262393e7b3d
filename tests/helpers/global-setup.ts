// Filled in by the migration work: builds the migrated template database once per run.
export default function setup(): void {}
