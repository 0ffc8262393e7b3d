#!/usr/bin/env node
// Renders public/icon.svg into the PNG app icons and favicon.ico that public/ serves, with
// Debian's Chromium through Playwright (BOOCHAT_CHROMIUM overrides the path). Run it after
// changing the SVG: `node scripts/render-icons.mjs`. The outputs are committed.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const publicDir = path.join(root, "public");
const svg = fs.readFileSync(path.join(publicDir, "icon.svg"), "utf8");
const sizes = { "icon-512.png": 512, "icon-192.png": 192, "apple-touch-icon.png": 180, "favicon-32.png": 32 };

const browser = await chromium.launch({ executablePath: process.env.BOOCHAT_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  const pngs = {};
  for (const [name, size] of Object.entries(sizes)) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    pngs[name] = await page.screenshot({ omitBackground: true });
  }
  for (const name of ["icon-512.png", "icon-192.png", "apple-touch-icon.png"]) fs.writeFileSync(path.join(publicDir, name), pngs[name]);
  fs.writeFileSync(path.join(publicDir, "favicon.ico"), icoWithPng(pngs["favicon-32.png"], 32));
} finally {
  await browser.close();
}

/** An .ico holding one PNG image (the format every browser since 2007 reads). */
function icoWithPng(png, size) {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(22, 18); // offset of the image
  return Buffer.concat([header, png]);
}
