// Live preview in a real browser (Debian's Chromium): the injected script reloads the page
// after a save and shows the error overlay, which axe-core checks too.
// Usage: node serve.mjs URL PROJECT_DIR  → prints one JSON report on stdout.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const [url, project] = process.argv.slice(2);
const steps = [];
const failures = [];
const step = (name, ok, detail = "") => {
  steps.push(name);
  if (!ok) failures.push(`${name}${detail ? `: ${detail}` : ""}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  const outside = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(url)) outside.push(request.url());
  });
  // No need to wait for the event stream: a page that connects late still learns of a newer
  // build (the server compares the page's generation) or of a current error.
  await page.goto(`${url}03-ziele.html`);

  // 1. A chapter edit reloads the page by itself.
  const chapter = join(project, "content/03-ziele.md");
  appendFileSync(chapter, "\nDiesen Satz zeigt der Browser ohne Zutun.\n");
  try {
    await page.waitForFunction(() => document.body.innerText.includes("Diesen Satz zeigt der Browser ohne Zutun."), null, { timeout: 15000 });
    step("reload after a chapter edit", true);
  } catch (error) {
    step("reload after a chapter edit", false, String(error));
  }

  // 2. A broken YAML file shows the overlay on the page, without a reload.
  const budget = join(project, "data/budget.yaml");
  const good = readFileSync(budget, "utf8");
  await page.evaluate(() => { window.__amipSamePage = true; });
  writeFileSync(budget, `${good}kaputt: [\n`);
  try {
    await page.waitForSelector("#amip-fehler[role=alert]", { timeout: 15000 });
    const text = await page.locator("#amip-fehler").innerText();
    step("overlay text", text.includes("Fehler beim Erstellen") && text.includes("data/budget.yaml:"), text);
    step("overlay without reload", await page.evaluate(() => window.__amipSamePage === true));
    // The pages forbid inline scripts (Content-Security-Policy); evaluating through the
    // DevTools protocol is not a page script.
    await page.evaluate(readFileSync(axePath, "utf8"));
    const result = await page.evaluate(async () => {
      const r = await window.axe.run("#amip-fehler", { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return r.violations.map((v) => `${v.id}: ${v.help}`);
    });
    step("overlay passes axe-core", result.length === 0, result.join("; "));
  } catch (error) {
    step("overlay appears", false, String(error));
  }

  // 3. Fixing the file reloads the page; the overlay is gone.
  writeFileSync(budget, good);
  try {
    await page.waitForFunction(() => window.__amipSamePage !== true && !document.getElementById("amip-fehler"), null, { timeout: 15000 });
    step("overlay gone after the fix", true);
  } catch (error) {
    step("overlay gone after the fix", false, String(error));
  }
  step("no request leaves the preview", outside.length === 0, outside.join(", "));
} finally {
  await browser.close();
}
console.log(JSON.stringify({ steps, failures }));
