import { isApiPath, type AccessRefusal } from "./access-policy";

const CODES: Record<AccessRefusal["status"], string> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}<title>${escapeHtml(title)} · BooChat</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#18181b}@media(prefers-color-scheme:dark){body{background:#09090b;color:#f4f4f5}a{color:#a5b4fc}}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/**
 * The answer to a refused request: JSON (`{ error: { code, message } }`) for the API and for
 * clients that do not ask for HTML, a short page for browsers. A page that needs a sign-in answers
 * 401 and sends the browser on to /sign-in?next=<the page>.
 */
export function refusalResponse(refusal: AccessRefusal, url: { pathname: string; search: string }, accept: string | null): Response {
  const headers = new Headers({ "cache-control": "no-store" });
  if (refusal.retryAfterSeconds !== undefined) headers.set("retry-after", String(refusal.retryAfterSeconds));
  if (refusal.status === 401) headers.set("www-authenticate", 'Bearer realm="BooChat"');
  const wantsHtml = !isApiPath(url.pathname) && (accept ?? "").includes("text/html");
  if (!wantsHtml) {
    return Response.json({ error: { code: CODES[refusal.status], message: refusal.reason } }, { status: refusal.status, headers });
  }
  headers.set("content-type", "text/html; charset=utf-8");
  if (refusal.status === 401) {
    const signIn = `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`;
    const html = page(
      "Sign in to BooChat",
      `<p>This BooChat has a password. <a href="${escapeHtml(signIn)}">Sign in</a> to continue.</p>`,
      `<meta http-equiv="refresh" content="0;url=${escapeHtml(signIn)}">`,
    );
    return new Response(html, { status: 401, headers });
  }
  return new Response(page("Request refused", `<p>${escapeHtml(refusal.reason)}.</p>`), { status: refusal.status, headers });
}
