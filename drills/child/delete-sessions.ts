// A stand-in for the web app's process during deletes: the real delete gate
// (server/services/session/delete-session.ts) with the app's own db client (getDb: WAL, DATABASE_URL)
// and a sidecar client, deleting the sessions named on the command line one after another. The drill
// kills it (SIGKILL) at a random point. Prints one line per session.
import { getDb } from "../../server/db";
import { createSidecarClient } from "../../server/sidecar-client";
import { deleteSession } from "../../server/services/session/delete-session";

const db = getDb();
const sidecar = createSidecarClient({ url: process.env.BOOCHAT_SIDECAR_URL ?? "", token: process.env.BOOCHAT_SIDECAR_TOKEN ?? "" });
process.stdout.write("ready\n");
for (const id of process.argv.slice(2)) {
  try {
    const result = await deleteSession({ db, sidecar, riskTimeoutMs: 10_000 }, { id });
    process.stdout.write(`deleted ${id} ${result.worktree?.outcome ?? "no worktree"}\n`);
  } catch (error) {
    process.stdout.write(`refused ${id} ${error instanceof Error ? error.message.slice(0, 80) : String(error)}\n`);
  }
}
await db.$disconnect();
