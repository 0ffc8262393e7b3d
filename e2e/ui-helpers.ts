import type { APIRequestContext, Locator, Page } from "@playwright/test";
import type { Db } from "../server/db";
import { expect } from "./fixtures";

// Steps the UI asks of a user since issue 15: confirmations before anything is destroyed.

export function sessionItem(page: Page, title: string): Locator {
  return page.getByRole("navigation", { name: "Sessions" }).getByRole("listitem", { name: title });
}

/** Clicks a session's Delete and confirms it once; returns the alert dialog that follows (the block dialog, if any). */
export async function deleteSessionConfirmed(page: Page, title: string, from: Locator = sessionItem(page, title)): Promise<Locator> {
  await from.getByRole("button", { name: "Delete session" }).first().click();
  const confirm = page.getByRole("alertdialog", { name: `Delete “${title}”?` });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Delete session" }).click();
  return page.getByRole("alertdialog");
}

/** In the block dialog: Force, then the second question, answered yes. */
export async function forceConfirmed(page: Page, blockDialog: Locator): Promise<void> {
  await blockDialog.getByRole("button", { name: "Force", exact: true }).click();
  const confirm = page.getByRole("alertdialog", { name: /^Force the delete of / });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText("Nothing is removed from disk");
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Force delete" }).click();
}

/** The toast that says how an action ended. */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.getByRole("region", { name: /Notifications/ }).getByRole("listitem").filter({ hasText: text });
}

/** Calls a tRPC mutation over HTTP as a script would (superjson's plain-JSON envelope); returns its data. */
export async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  const body = (await response.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!response.ok() || !body.result?.data) throw new Error(`${path} answered ${response.status()}: ${JSON.stringify(body.error ?? body)}`);
  return body.result.data.json as T;
}

/** Stores messages in a tab as the agent runtime does (a user prompt, then the agent's answer). */
export async function seedConversation(db: Db, chatId: string, turns: Array<{ role: "user" | "assistant"; text: string }>): Promise<void> {
  let at = Date.now() - turns.length * 1000;
  for (const [index, turn] of turns.entries()) {
    at += 1000;
    await db.message.create({
      data: { chatId, role: turn.role, parts: JSON.stringify([{ id: `seed-${chatId}-${index}`, type: "text", text: turn.text }]), createdAt: new Date(at) },
    });
  }
}

/**
 * Nothing sticks out sideways: the page does not scroll horizontally, and every visible element
 * fits in the viewport unless a container that fits clips or scrolls it (a long tab strip).
 */
export async function expectNoSideScroll(page: Page): Promise<void> {
  const offenders = await page.evaluate(() => {
    const fits = (r: DOMRect) => r.left >= -1 && r.right <= window.innerWidth + 1;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || fits(rect)) continue;
      let held = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible" && fits(p.getBoundingClientRect())) {
          held = true;
          break;
        }
      }
      if (!held) found.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}" spans ${Math.round(rect.left)}..${Math.round(rect.right)}`);
    }
    return found.slice(0, 10);
  });
  expect(offenders).toEqual([]);
}
