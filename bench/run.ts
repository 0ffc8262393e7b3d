/**
 * `npm run bench -- <name> [args]`: runs one benchmark. Each lives in its own file and is added here
 * by name; they print their figures and exit non-zero only when they could not run.
 */
type Bench = (args: string[]) => Promise<void>;

const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  risk: () => import("./risk"),
  delete: () => import("./delete"),
  message: () => import("./message"),
  diff: () => import("./diff"),
  sessions: () => import("./sessions"),
  hosts: () => import("./hosts"),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name === undefined ? undefined : BENCHES[name];
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [args]`);
    process.exit(2);
  }
  const bench = await load();
  await bench.run(args);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
