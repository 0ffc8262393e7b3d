import path from "node:path";
import { execa } from "execa";

/** A fresh database file in `dir` with every migration applied (what `npm start` makes); its DATABASE_URL. */
export async function migratedDatabase(dir: string, name = "bench.db"): Promise<{ file: string; url: string }> {
  const file = path.join(dir, name);
  await execa("prisma", ["migrate", "deploy"], { preferLocal: true, env: { DATABASE_URL: `file:${file}` } });
  return { file, url: `file:${file}` };
}
