// Opens pages in Debian's Chromium through puppeteer-core (which drives the browser it is given and
// downloads none), at each viewport: a full-page screenshot, the elements that stick out of the
// viewport, whether the page's maps were drawn, how the literals of a results table are shown, and
// axe-core's violations; a page may first run a query in the SPARQL editor. Reads a JSON job on
// stdin, writes one JSON report on stdout (tests/browser/test_pages.py runs it).
import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const job = JSON.parse(readFileSync(0, "utf8"));
const browser = await puppeteer.launch({
  executablePath: job.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});

// Elements whose box leaves the viewport sideways; what a scrolling or clipping container (a
// table's scroller, the editor, the map's drawing) holds is not off-screen.
function offscreen() {
  const width = document.documentElement.clientWidth;
  const found = [];
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (up instanceof SVGElement || getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (clipped(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.left < -1 || box.right > width + 1)) {
      found.push(`${el.tagName.toLowerCase()}${el.className ? "." + el.className : ""} x=${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return { width, scrollWidth: document.documentElement.scrollWidth, found };
}

// How each literal of the results table (YASR's cell: the value, then its datatype or language in
// a <sup>) is shown: the lines its value takes, and whether a part of it lies outside its cell
// (cut off, or hidden behind an ellipsis).
function literalsShown() {
  return [...document.querySelectorAll("table.dataTable tbody td .nonIri")].map((literal) => {
    const value = literal.firstChild;
    const range = document.createRange();
    range.selectNodeContents(value);
    const parts = [...range.getClientRects()];
    const cell = literal.closest("td");
    const box = cell.firstElementChild || cell;
    const edges = box.getBoundingClientRect();
    return {
      value: value.textContent.replace(/^"(.*)"$/s, "$1"), // a typed literal's quotes are shown
      lines: new Set(parts.map((part) => Math.round(part.top))).size,
      cut: box.scrollWidth > box.clientWidth + 1
        || parts.some((part) => part.left < edges.left - 1 || part.right > edges.right + 1),
    };
  });
}

const report = [];
try {
  for (const target of job.pages) {
    for (const [viewport, [width, height]] of Object.entries(job.viewports)) {
      const page = await browser.newPage();
      const requests = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.setViewport({ width, height, isMobile: viewport === "phone", hasTouch: viewport === "phone" });
      await page.goto(target.url, { waitUntil: "load" });
      if (target.waitFor) await page.waitForSelector(target.waitFor, { timeout: 20000 });
      if (target.query) {
        // typed into YASGUI's editor and run with its button, as a visitor does; done when the
        // results table has a header cell per column (the row number's, then one per variable)
        if (target.newTab) {  // the visitor's own tab ("+"), not one of the stored questions
          const shown = await page.$eval(".tabPanel.active", (panel) => panel.id);
          await page.click("button.addTab");
          await page.waitForFunction((old) => document.querySelector(".tabPanel.active").id !== old,
            { timeout: 5000 }, shown);
        }
        await page.evaluate((query) => document.querySelector(".tabPanel.active .CodeMirror").CodeMirror.setValue(query), target.query);
        await page.click(".tabPanel.active .yasqe_queryButton");
        await page.waitForFunction((n) => document.querySelectorAll(".tabPanel.active table.dataTable thead th").length === n,
          { timeout: 20000 }, target.columns + 1);
      }
      const maps = await page.$$eval("figure.map", (figures) => figures.length);
      const drawn = await page.$$eval("figure.map svg .land", (paths) => paths.length);
      // the screenshot shows the page as it opens; the checks see every folded part unfolded
      await page.screenshot({ path: `${job.out}/${target.name}-${viewport}.png`, fullPage: true });
      const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.$$eval("details", (all) => all.forEach((d) => { d.open = true; }));
      const layout = await page.evaluate(offscreen);
      const literals = await page.evaluate(literalsShown);
      await page.addScriptTag({ path: job.axe });
      const axe = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ["violations"] });
        return result.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
        }));
      });
      report.push({ name: target.name, viewport, maps, drawn, layout, axe, literals,
        height: pageHeight,
        foreign: requests.filter((url) => !url.startsWith(job.origin)) });
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
