"use client";

import { useEffect, useId, useState, type FormEvent } from "react";
import { Button } from "../components/ui/button";
import { FormError, inputClass } from "../components/ui/dialog-frame";

type SignInAnswer = { ok?: boolean; next?: string; error?: { message?: string } };

/**
 * Signs the browser in with BooChat's API token (the one in the sign-in link `npm start` printed),
 * or with the password when BooChat has one.
 */
export function SignInForm({ next, hasPassword, problem }: { next: string; hasPassword: boolean; problem: string | null }) {
  const secretId = useId();
  const [error, setError] = useState<string | null>(problem);
  const [pending, setPending] = useState(false);
  // Until React runs, a click would submit the bare form (a reload that loses what was typed): wait.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const field = hasPassword ? "password" : "token";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read from the form, not from state: a secret typed before the page's script ran is kept.
    const secret = String(new FormData(event.currentTarget).get("secret") ?? "");
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ [field]: secret, next }),
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
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          {hasPassword
            ? "Enter BooChat's password, or open the sign-in link `npm start` printed."
            : "Open the sign-in link `npm start` printed in its terminal, or paste the token from it (also in the data folder's api-token file)."}
        </p>
        <div>
          <label htmlFor={secretId} className="mb-1 block text-sm font-medium">
            {hasPassword ? "Password" : "Token"}
          </label>
          <input
            id={secretId}
            type="password"
            className={inputClass}
            name="secret"
            autoComplete={hasPassword ? "current-password" : "off"}
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
