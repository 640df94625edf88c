// Drives Debian's chromium (headless) with playwright-core over the API docs and the query editor:
// Swagger UI renders from our own files under our CSP; the editor knows the predeclared prefixes,
// shows the server's error in the result pane and links result IRIs to our /id/ pages.
// Usage: node tests/browser/endpoint.mjs BASE_URL   (called by tests/test_endpoint.py); prints JSON.
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const [base] = process.argv.slice(2);
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ckg-chromium-")), {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const summary = { offsite: [], consoleErrors: [] };
try {
  const page = await browser.newPage();
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) summary.offsite.push(r.url()); });
  page.on("console", (m) => { if (m.type() === "error") summary.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => summary.consoleErrors.push(String(e)));
  await page.goto(`${base}/docs`, { waitUntil: "networkidle" });
  await page.waitForSelector(".swagger-ui .opblock", { timeout: 20000 }).catch(() => {});
  summary.operations = await page.locator(".swagger-ui .opblock").count();
  summary.docsErrors = summary.consoleErrors.splice(0);

  await page.goto(`${base}/sparql`, { waitUntil: "networkidle" });
  await page.waitForSelector(".yasqe .CodeMirror", { timeout: 20000 });
  const run = async (query) => {
    await page.evaluate((q) => window.ckgEditor.getTab().getYasqe().setValue(q), query);
    await page.waitForTimeout(300);
    const flagged = await page.locator(".yasqe .parseErrorIcon").count();
    await page.locator(".yasqe_queryButton").first().click();
    await page.waitForTimeout(2500);
    const pane = await page.locator(".yasr").first().innerText();
    const links = await page.locator(".yasr .dataTable a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    return { flagged, pane, links };
  };
  summary.prefixed = await run("SELECT ?doc ?date WHERE { ?doc a ckg:Document ; dcterms:date ?date } ORDER BY ?doc LIMIT 3");
  summary.syntax = await run("SELEC * WHERE { ?s ?p ?o }");
  summary.editorErrors = summary.consoleErrors.splice(0);
} finally {
  await browser.close();
}
console.log(JSON.stringify(summary));
