/**
 * No page of BooChat may be shown inside another site's frame (clickjacking: a hidden BooChat
 * under a decoy button). Both headers, for old and new browsers; proxy.ts sets them on every
 * answer (pages, the API, assets and its own refusals).
 */
export const FRAMING_HEADERS = {
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
} as const;
