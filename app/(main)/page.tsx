/** No session selected: what to do. (On a phone the session list fills the screen instead.) */
export default function HomePage() {
  return (
    <div className="m-auto max-w-md p-8 text-center text-zinc-600 dark:text-zinc-400">
      <h1 className="mb-2 text-xl font-semibold text-zinc-900 dark:text-zinc-100">No session selected</h1>
      <p>Pick a session from the list, or create one with “New session”. A session can work in its own git worktree of one of your repositories.</p>
    </div>
  );
}
