import Link from "next/link";
import { SessionView } from "../../../../components/session/session-view";

/** A session's Changes view: its diff, line comments and commits (the session's header stays). */
export default async function SessionChangesPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  return (
    <>
      <nav aria-label="Back" className="border-b border-zinc-200 px-3 py-1.5 md:hidden dark:border-zinc-800">
        <Link href="/" className="inline-flex min-h-8 items-center rounded px-2 text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
          ← All sessions
        </Link>
      </nav>
      <SessionView key={sessionId} sessionId={sessionId} view="changes" />
    </>
  );
}
