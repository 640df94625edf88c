// Drives Debian's chromium (headless) with playwright-core over a running server: the query
// editor, the map, the timeline, the claims ledger, an entity, an event and a document page, at
// 1280 px and at phone width. On every page: a screenshot, axe-core (serious and critical
// violations), the requests that left the origin, console errors (CSP refusals among them) and
// what the page drew. Prints one JSON summary.
// Usage: node tests/browser/screens.mjs BASE_URL OUT_DIR PREFIX PAGES_JSON
//   PAGES_JSON: [{"name": "map", "path": "/map", "wait": ".leaflet-marker-icon"}, ...]
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, out, prefix, pagesJson] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);
const origin = new URL(base).origin;
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ckg-chromium-")), {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const summary = { offsite: [], console: [], pages: {} };
try {
  for (const spec of pages) {
    for (const width of spec.phone ? [1280, 390] : [1280]) {
      const page = await browser.newPage();
      await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
      page.on("request", (r) => {
        const u = r.url();
        if (!u.startsWith("data:") && !u.startsWith("blob:") && new URL(u).origin !== origin) summary.offsite.push(u);
      });
      page.on("console", (m) => { if (m.type() === "error") summary.console.push(`${spec.name}: ${m.text()}`); });
      page.on("pageerror", (e) => summary.console.push(`${spec.name}: ${e.message}`));
      const resp = await page.goto(base + spec.path, { waitUntil: "networkidle" });
      const info = { status: resp.status(), title: await page.locator("h1").first().innerText() };
      if (spec.wait) {
        await page.waitForSelector(spec.wait, { timeout: 20000 });
      }
      if (spec.scroll) {  // the picture starts at this element (the filters stay in view above it)
        await page.evaluate((sel) => { window.scrollTo(0, document.querySelector(sel).getBoundingClientRect().top + window.scrollY - 8); }, spec.scroll);
      }
      await page.waitForTimeout(300);
      for (const [key, sel] of Object.entries(spec.count || {})) info[key] = await page.locator(sel).count();
      for (const [key, sel] of Object.entries(spec.attr || {})) {
        info[key] = await page.locator(sel[0]).first().getAttribute(sel[1]);
      }
      if (spec.text) info.text = await page.locator(spec.text).first().innerText();
      const suffix = width > 500 ? "" : "-phone";
      await page.screenshot({ path: join(out, `${prefix}${spec.name}${suffix}.png`), fullPage: !!spec.full });
      if (spec.click) {  // then open a popup (or select an item) for a second picture
        await page.evaluate((sel) => {  // the first one drawn inside its map (others may be panned out of view)
          const inside = [...document.querySelectorAll(sel)].find((e) => {
            const r = e.getBoundingClientRect();
            const box = e.closest(".leaflet-container").getBoundingClientRect();
            return r.left > box.left + 60 && r.right < box.right - 60 && r.top > box.top + 60 && r.bottom < box.bottom - 60;
          });
          if (inside) inside.click();
        }, spec.click);
        await page.waitForTimeout(400);
        info.popupLinks = await page.locator(".leaflet-popup-content a").count();
        await page.screenshot({ path: join(out, `${prefix}${spec.name}${suffix}-popup.png`), fullPage: !!spec.full });
      }
      info.overflowX = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      await page.evaluate(axeSource);  // evaluated by the debugger protocol: the page's CSP stays as it is
      const axe = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
      });
      info.axe = axe;
      summary.pages[spec.name + suffix] = info;
      await page.close();
    }
  }
  // Keyboard: the first Tab reaches the skip link, and a map marker takes focus and opens its popup.
  const page = await browser.newPage();
  await page.goto(base + "/map", { waitUntil: "networkidle" });
  await page.keyboard.press("Tab");
  summary.firstTab = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  const pin = page.locator(".leaflet-marker-icon").first();
  if (await pin.count()) {
    await pin.focus();
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    summary.keyboardPopup = await page.locator(".leaflet-popup-content a").count();
  }
  await page.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(summary));
