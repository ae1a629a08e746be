// Accessibility checks of a generated site in Debian's Chromium (never a downloaded browser).
// Usage: node a11y.mjs SITE_DIR  → prints one JSON report on stdout.
// For each page: axe-core with the WCAG 2.0/2.1 A and AA rules, plus what axe cannot see
// (landmarks, heading order, table and figure structure, reflow at 320 px, visible focus,
// requests leaving the site).
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "./chromium.mjs";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const site = resolve(process.argv[2] ?? ".");
const pages = readdirSync(site).filter((f) => f.endsWith(".html")).sort();

const browser = await launch();

const structure = () => {
  const failures = [];
  const fail = (m) => failures.push(m);
  if (document.documentElement.lang !== "de") fail("html lang is not de");
  for (const tag of ["header", "nav", "main", "footer"]) {
    if (!document.querySelector(tag)) fail(`landmark <${tag}> missing`);
  }
  const first = document.querySelector("a[href], button, input, summary");
  const skip = document.querySelector("a.sprunglink");
  if (!skip || first !== skip) fail("the skip link is not the first focusable element");
  else if (!document.getElementById(skip.getAttribute("href").slice(1))) fail("skip link target missing");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) fail(`${h1} h1 elements`);
  let last = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(h.tagName[1]);
    if (level > last + 1) fail(`heading level jumps from h${last} to h${level}: ${h.textContent.trim()}`);
    last = level;
  }
  for (const table of document.querySelectorAll("main table")) {
    if (!table.querySelector("caption")) fail("table without caption");
    const ths = table.querySelectorAll("th");
    if (ths.length === 0) fail("table without th");
    for (const th of ths) if (!th.getAttribute("scope")) fail(`th without scope: ${th.textContent}`);
  }
  const figures = [...document.querySelectorAll("figure")];
  for (const figure of figures) {
    if (!figure.querySelector("figcaption")) fail(`figure ${figure.id} without figcaption`);
    const svg = figure.querySelector("svg");
    if (!svg) { fail(`figure ${figure.id} without svg`); continue; }
    if (svg.getAttribute("role") !== "img") fail(`svg in ${figure.id} without role=img`);
    const name = (svg.getAttribute("aria-labelledby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
    const desc = (svg.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
    if (!name) fail(`svg in ${figure.id} has no accessible name`);
    if (!desc) fail(`svg in ${figure.id} has no accessible description`);
    if (!figure.querySelector("details table")) fail(`figure ${figure.id} has no data table`);
  }
  return { failures, figures: figures.length, tables: document.querySelectorAll("main table").length };
};

// Numbered once (issue 15): amip writes the numbers ("1.1 …") itself, so no item of an
// ordered list whose text starts with a number may show a list marker of its own. (Bullets of
// a Markdown list before "2019 …" are the author's and stay.)
const listMarkers = () => {
  const failures = [];
  for (const li of document.querySelectorAll("ol > li")) {
    const text = li.textContent.trim();
    if (!/^[0-9]/.test(text)) continue;
    const style = getComputedStyle(li);
    const marker = getComputedStyle(li, "::marker").content;
    const shown = style.display === "list-item"
      && (style.listStyleType !== "none" || style.listStyleImage !== "none")
      && marker !== "none" && marker !== '""';
    if (shown) failures.push(`list item with a number shows a list marker (${style.listStyleType}): ${text.slice(0, 60)}`);
  }
  return failures;
};

const report = [];
for (const name of pages) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const external = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("file://")) external.push(request.url());
  });
  await page.goto(pathToFileURL(join(site, name)).href, { waitUntil: "load" });
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  // The pages forbid scripts (Content-Security-Policy); evaluating through the
  // DevTools protocol is not a page script.
  await page.evaluate(readFileSync(axePath, "utf8"));
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return {
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })),
      passes: result.passes.length,
    };
  });
  const checks = await page.evaluate(structure);
  checks.failures.push(...(await page.evaluate(listMarkers)));
  await page.emulateMedia({ media: "print" });
  checks.failures.push(...(await page.evaluate(listMarkers)).map((f) => `print: ${f}`));
  await page.emulateMedia({ media: "screen" });

  // Visible focus: the skip link shows an outline when focused from the keyboard.
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { className: el.className, outline: style.outlineStyle, width: style.outlineWidth, left: el.getBoundingClientRect().left };
  });
  if (focus.outline === "none" || focus.width === "0px") checks.failures.push("focused element has no visible outline");
  if (focus.left < 0) checks.failures.push("focused skip link stays off screen");

  // Reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS pixels.
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) checks.failures.push(`page scrolls horizontally by ${overflow}px at 320px width`);

  if (external.length) checks.failures.push(`external requests: ${external.join(", ")}`);
  report.push({ page: name, violations: axe.violations, passes: axe.passes, ...checks });
  await page.close();
}
await browser.close();
console.log(JSON.stringify(report, null, 1));
