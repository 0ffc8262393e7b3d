import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getAccessSecrets } from "@/server/security/access-secrets";
import { readAccessSettings } from "@/server/security/access-settings";
import { safeNextPath } from "@/server/security/safe-next-path";
import { isValidSessionValue, SESSION_COOKIE } from "@/server/security/session-cookie";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

const LINK_PROBLEMS: Record<string, string> = {
  invalid: "That sign-in link is not (or no longer) this BooChat's: use the one `npm start` printed last.",
  limited: "Too many wrong sign-in attempts: wait a minute, then use the link again.",
};

type SearchParams = { next?: string | string[]; link?: string | string[] };
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const next = safeNextPath(first(params.next));
  const settings = readAccessSettings();
  const secrets = getAccessSecrets(settings.dataDir);
  const material = { apiToken: secrets.apiToken, epoch: secrets.epoch, password: settings.password };
  // Already signed in (e.g. arriving from a link on another site, which a SameSite=Strict cookie
  // does not follow): go on.
  if (isValidSessionValue(material, (await cookies()).get(SESSION_COOKIE)?.value, Date.now())) redirect(next);
  return <SignInForm next={next} hasPassword={settings.password !== null} problem={LINK_PROBLEMS[first(params.link) ?? ""] ?? null} />;
}
