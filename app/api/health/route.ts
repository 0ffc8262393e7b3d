import { getDb } from "@/server/db";

export const dynamic = "force-dynamic";

/** Liveness of the web app and its database. */
export async function GET() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: "the database cannot be reached" }, { status: 503 });
  }
}
