// Opens an HTML report in the real Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) through playwright-core, as a reader's browser would, and prints
// what happened as JSON: console messages, page errors, every request the page
// made, the scripts in its DOM, its visible text, and whether a dialog opened
// (alert() from injected markup). With a second argument it prints the page to
// that PDF, as "Print to PDF" does.
//
//   node open-report.mjs REPORT.html [OUT.pdf]
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [report, pdf] = process.argv.slice(2);
if (!report) {
  console.error("usage: node open-report.mjs REPORT.html [OUT.pdf]");
  process.exit(2);
}
const url = pathToFileURL(path.resolve(report)).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const seen = { console: [], pageErrors: [], requests: [], dialogs: [], scripts: 0, text: "", title: "" };
try {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  page.on("console", (m) => seen.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("dialog", async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(200);
  seen.title = await page.title();
  seen.scripts = await page.evaluate(() => document.querySelectorAll("script, iframe, object, embed").length);
  seen.text = await page.evaluate(() => document.body.innerText);
  seen.elementsWithHandlers = await page.evaluate(
    () => [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
  );
  if (pdf) {
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen));
