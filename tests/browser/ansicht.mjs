// Screenshots of every page of a generated site at 1280 and 320 CSS pixels (whole page), in
// Debian's Chromium. Usage: node ansicht.mjs SITE_DIR OUT_DIR (see bench/ansicht.sh).
import { mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "./chromium.mjs";

const site = resolve(process.argv[2] ?? ".");
const out = resolve(process.argv[3] ?? "ansicht");
mkdirSync(out, { recursive: true });
const pages = readdirSync(site).filter((f) => f.endsWith(".html")).sort();
const browser = await launch();
for (const name of pages) {
  for (const width of [1280, 320]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(join(site, name)).href, { waitUntil: "load" });
    await page.screenshot({ path: join(out, `${name.replace(/\.html$/, "")}-${width}.png`), fullPage: true });
    await page.close();
  }
}
await browser.close();
