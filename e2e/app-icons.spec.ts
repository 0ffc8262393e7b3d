import { expect, test } from "./fixtures";

test("the app serves its icons and web manifest from public/, and every page links them", async ({ page, request }) => {
  await page.goto("/");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.locator('link[rel="icon"][href="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", "/apple-touch-icon.png");

  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  // An .ico header: reserved 0, type 1 (icon).
  expect([...(await favicon.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);

  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const parsed = (await manifest.json()) as { name: string; icons: Array<{ src: string; sizes: string; type: string }> };
  expect(parsed.name).toBe("BooChat");
  for (const icon of parsed.icons) {
    const served = await request.get(icon.src);
    expect(served.status(), icon.src).toBe(200);
    expect(served.headers()["content-type"], icon.src).toContain(icon.type);
  }
});
