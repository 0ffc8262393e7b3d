import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { readAccessSettings } from "@/server/security/access-settings";
import { safeNextPath } from "@/server/security/safe-next-path";
import { isValidSessionValue, SESSION_COOKIE } from "@/server/security/session-cookie";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  const { password } = readAccessSettings();
  // Nothing to sign in to, or already signed in (e.g. arriving from a link on another site, which
  // a SameSite=Strict cookie does not follow): go on.
  if (password === null || isValidSessionValue(password, (await cookies()).get(SESSION_COOKIE)?.value, Date.now())) redirect(next);
  return <SignInForm next={next} />;
}
