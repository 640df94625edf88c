// Drives Debian's chromium (headless) with playwright-core: opens the query editor, runs the
// first query, and renders an entity page. Writes screenshots and prints a JSON summary.
// Usage: node tests/browser/screens.mjs BASE_URL OUT_DIR   (called by tests/test_browser.py)
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const [base, out] = process.argv.slice(2);
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ckg-chromium-")), {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const summary = {};
try {
  const page = await browser.newPage();
  const offsite = [];
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) offsite.push(r.url()); });
  await page.goto(`${base}/sparql`, { waitUntil: "networkidle" });
  await page.waitForSelector(".yasqe .CodeMirror", { timeout: 20000 });
  summary.tabs = await page.locator(".tabsList .tab").count();
  await page.locator(".yasqe_queryButton").first().click();
  await page.waitForSelector(".yasr .dataTable tbody tr", { timeout: 20000 });
  summary.rows = await page.locator(".yasr .dataTable tbody tr").count();
  summary.firstCell = (await page.locator(".yasr .dataTable tbody tr td").nth(1).innerText()).trim();
  await page.screenshot({ path: join(out, "query-editor.png"), fullPage: false });
  await page.goto(`${base}/id/entity/stepanakert`, { waitUntil: "networkidle" });
  summary.entityTitle = await page.locator("h1").innerText();
  summary.mapPoints = await page.locator("figure.map svg circle").count();
  await page.screenshot({ path: join(out, "entity-stepanakert.png"), fullPage: true });
  await page.goto(`${base}/id/doc/000_8e1aa165a3142573`, { waitUntil: "networkidle" });
  summary.highlighted = await page.locator("article mark").count();
  await page.screenshot({ path: join(out, "document-000.png"), fullPage: true });
  await page.goto(`${base}/timeline?actor=armenia`, { waitUntil: "networkidle" });
  summary.timelineItems = await page.locator("ul.facts li").count();
  await page.screenshot({ path: join(out, "timeline.png"), fullPage: false });
  await page.goto(`${base}/map`, { waitUntil: "networkidle" });
  summary.markers = await page.locator("svg#eventmap circle.marker").count();
  await page.screenshot({ path: join(out, "map.png"), fullPage: true });
  summary.offsite = offsite;
} finally {
  await browser.close();
}
console.log(JSON.stringify(summary));
