"use client";

import { useEffect, useId, useState, type FormEvent } from "react";
import { Button } from "../components/ui/button";
import { FormError, inputClass } from "../components/ui/dialog-frame";

type SignInAnswer = { ok?: boolean; next?: string; error?: { message?: string } };

export function SignInForm({ next }: { next: string }) {
  const passwordId = useId();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until React runs, a click would submit the bare form (a reload that loses the password typed): wait.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read from the form, not from state: a password typed before the page's script ran is kept.
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password, next }),
      });
      const answer = (await response.json().catch(() => ({}))) as SignInAnswer;
      if (response.ok && answer.ok) {
        // A full load, so every request after this one carries the new cookie.
        window.location.assign(answer.next ?? "/");
        return;
      }
      setError(answer.error?.message ?? `Sign-in failed (HTTP ${response.status})`);
    } catch {
      setError("BooChat cannot be reached");
    }
    setPending(false);
  }

  return (
    <main className="flex h-screen items-center justify-center p-4">
      <form onSubmit={submit} className="w-full max-w-sm space-y-4 rounded-lg border border-zinc-200 p-6 dark:border-zinc-800">
        <h1 className="text-lg font-semibold">Sign in to BooChat</h1>
        <div>
          <label htmlFor={passwordId} className="mb-1 block text-sm font-medium">
            Password
          </label>
          <input
            id={passwordId}
            type="password"
            className={inputClass}
            name="password"
            autoComplete="current-password"
            autoFocus
            required
          />
        </div>
        <FormError message={error} />
        <Button type="submit" variant="primary" className="w-full" disabled={pending || !ready}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </main>
  );
}
