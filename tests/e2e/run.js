// End-to-end tests of built skills-atlas sites in headless Chromium.
//
// Run by tests/browser.rs, which builds the sites, serves each on loopback
// under /atlas/ and passes where they are in E2E_CONFIG (JSON):
//   { "example": {"url": "http://127.0.0.1:PORT/atlas/", "dir": "/abs/public"},
//     "hostile": {"url": ..., "dir": ..., "queries": ["mallory"], "submission": "submissions/ID/index.html"},
//     "themed": {"url": ..., "dir": ...},
//     "images": {"url": ..., "submission": ..., "other": "https://127.0.0.2:PORT/", "control": "http://127.0.0.2:PORT2/probe"},
//     "diagrams": {"url": ..., "submission": ..., "product": ..., "hostile": ..., "planted": "HASH.svg"},
//     "screenshots": "/abs/target/screenshots" }
// By hand: E2E_CONFIG="$(cat config.json)" node run.js
//
// Prints "ok - NAME" / "not ok - NAME" per check, then "N passed, N failed";
// exits 1 when any check failed.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const assert = require("node:assert/strict");
const { pathToFileURL } = require("node:url");
const { chromium } = require("playwright-core");

const cfg = JSON.parse(process.env.E2E_CONFIG || "{}");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const search = require("../../themes/default/static/search.js");

const results = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(true);
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - ${name} (${Date.now() - t0} ms)\n  ${String(e && e.stack ? e.stack : e).replace(/\n/g, "\n  ")}`);
  }
}

// ---------- what every page must not do ----------

// Problems seen by any page: console errors, page errors, failed requests,
// HTTP errors, dialogs. Checks compare the count before and after.
const problems = [];
// Requests a page may make that fail without it being the site's fault
// (images a student linked); set per site.
let allowImageFailures = false;
// Pages expected to answer 404 (the not-found page itself).
const expected404 = new Set();

// The browser asks the host for /favicon.ico by itself, outside the site's
// subpath (the site declares no icon); that is the host's, not the site's.
const favicon = (url) => /^https?:\/\/[^/]+\/favicon\.ico$/.test(url);

function watch(page) {
  const images = new Set();
  page.on("request", (r) => { if (r.resourceType() === "image") images.add(r.url()); });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const where = (m.location() && m.location().url) || "";
    if (allowImageFailures && images.has(where)) return;
    if ((expected404.has(where) || favicon(where)) && /status of 404/.test(m.text())) return;
    problems.push(`${page.url()}: console error: ${m.text()} [${where}]`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (allowImageFailures && r.resourceType() === "image") return;
    // The icon loads after the page; going on to the next page at once
    // cancels it (a missing icon still shows as an HTTP error below).
    if (/\/static\/favicon\.svg$/.test(r.url()) && /ERR_ABORTED/.test(r.failure() && r.failure().errorText)) return;
    problems.push(`${page.url()}: request failed: ${r.url()} ${r.failure() && r.failure().errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() < 400 || expected404.has(r.url()) || favicon(r.url())) return;
    if (allowImageFailures && r.request().resourceType() === "image") return;
    problems.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`${page.url()}: a dialog opened: ${d.type()} ${d.message()}`);
    d.dismiss().catch(() => {});
  });
}

async function clean(since, what) {
  const fresh = problems.slice(since);
  assert.ok(fresh.length === 0, `${what}: ${fresh.length} problem(s):\n${fresh.join("\n")}`);
}

// The hostile payloads set window.__pwned or change document.title.
async function notPwned(page) {
  const state = await page.evaluate(() => ({
    pwned: typeof window.__pwned === "undefined" ? null : String(window.__pwned),
    title: document.title,
  }));
  assert.equal(state.pwned, null, `${page.url()}: a payload ran (window.__pwned = ${state.pwned})`);
  // (Pages may show the payload's text, "document.title='PWNED'", in their
  // titles: escaped text is fine, a title that is only the payload's is not.)
  assert.notEqual(state.title.trim(), "PWNED", `${page.url()}: a payload set the title`);
}

// No element carries an event handler or a script URL, and every script is
// the site's own.
async function noActiveContent(page, base) {
  const bad = await page.evaluate((base) => {
    const out = [];
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        const v = a.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
        if (a.name.toLowerCase().startsWith("on")) out.push(`<${el.localName} ${a.name}>`);
        const url = ["href", "src", "action", "formaction", "data", "xlink:href"].includes(a.name.toLowerCase());
        if (url && /^(javascript:|vbscript:|data:text\/html)/.test(v)) {
          out.push(`<${el.localName} ${a.name}="${a.value}">`);
        }
      }
    }
    for (const s of document.scripts) {
      const own = s.src && (s.src.startsWith(base + "static/") || s.src === base + "search-index.js");
      if (!own) out.push(`script ${s.src || "(inline) " + s.textContent.slice(0, 60)}`);
    }
    for (const el of document.querySelectorAll("iframe, object, embed, frame, base, main form, main meta")) {
      out.push(`<${el.localName}>`);
    }
    return out;
  }, base);
  assert.deepEqual(bad, [], `${page.url()}: active content`);
}

// ---------- accessibility ----------

const axeFindings = [];

async function axe(page, label) {
  // Runtime evaluation is not subject to the page's CSP (an injected
  // <script> would be).
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const res = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    })
  );
  const bad = [];
  for (const v of res.violations) {
    const targets = v.nodes.map((n) => n.target[n.target.length - 1]);
    axeFindings.push(`${label}: ${v.impact} ${v.id} (${v.nodes.length}): ${targets.slice(0, 3).join(" | ")}`);
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    const nodes = v.nodes;
    if (nodes.length) {
      bad.push(`${v.impact} ${v.id}: ${v.help}\n    ${nodes.slice(0, 5).map((n) => n.target.join(" ") + " -> " + n.failureSummary.replace(/\s+/g, " ")).join("\n    ")}`);
    }
  }
  assert.ok(bad.length === 0, `${label} (${page.url()}): serious or critical axe violations:\n  ${bad.join("\n  ")}`);
}

// ---------- navigation ----------

async function h1(page) {
  return (await page.locator("main h1").first().textContent()).trim();
}

// Click `link` and wait for the page it leads to.
async function follow(page, link, urlPattern) {
  await link.scrollIntoViewIfNeeded();
  await Promise.all([page.waitForURL(urlPattern, { waitUntil: "load" }), link.click()]);
}

function nav(page, name) {
  return page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name, exact: true });
}

// The first link in <main> to an entity page of `section` (roles, skills...).
function firstEntity(page, section) {
  return page.locator(`main a[href*="${section}/"][href$="/index.html"]:not([href$="${section}/index.html"])`).first();
}

async function typeSearch(page, text) {
  const box = page.locator("#search");
  await box.click();
  await box.fill("");
  await box.pressSequentially(text, { delay: 10 });
  await page.locator("#search-results a").first().waitFor({ state: "visible", timeout: 5000 });
  return page.locator("#search-results a");
}

async function resultTitles(results) {
  return (await results.locator(".search-title").allTextContents()).map((t) => t.trim());
}

// ---------- the checks ----------

async function exampleSite(browser) {
  const base = cfg.example.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page);
  const seen = {};
  const visit = async (type, expectH1) => {
    const heading = await h1(page);
    if (expectH1 !== undefined) assert.equal(heading, expectH1, `${type}: heading`);
    assert.ok(heading.length > 0, `${type}: has a heading`);
    assert.equal(await page.locator("#search").count(), 1, `${type}: search box in the header`);
    await notPwned(page);
    seen[type] = page.url();
  };

  await check("navigation: every page type by clicking links, no console errors or failed requests", async () => {
    const since = problems.length;
    const resp = await page.goto(base, { waitUntil: "load" });
    assert.equal(resp.status(), 200);
    await visit("overview");
    for (const [list, section, title] of [
      ["Submissions", "submissions", "Submissions"],
      ["Roles", "roles", "Roles"],
      ["Skills", "skills", "Skills"],
      ["Components", "components", "Components"],
      ["Products", "products", "Products"],
    ]) {
      await follow(page, nav(page, list), new RegExp(`/atlas/${section}/index\\.html$`));
      await visit(`${section} list`, title);
      const link = firstEntity(page, section);
      const name = (await link.textContent()).trim();
      await follow(page, link, new RegExp(`/atlas/${section}/[^/]+/index\\.html$`));
      await visit(section.replace(/s$/, ""), name);
    }
    await follow(page, nav(page, "Review"), /\/atlas\/review\/index\.html$/);
    await visit("review", "Review");
    await follow(page, page.locator("footer").getByRole("link", { name: "Unrecognised names" }), /\/atlas\/unknown\/index\.html$/);
    await visit("unknown", "Unrecognised names");
    // The brand link leads home from any depth.
    await follow(page, page.locator("header .brand"), /\/atlas\/index\.html$/);
    await visit("overview");
    // GitHub Pages answers a missing path at any depth with 404.html.
    const missing = base + "no/such/page/";
    expected404.add(missing);
    const r404 = await page.goto(missing, { waitUntil: "load" });
    assert.equal(r404.status(), 404);
    await visit("404", "Page not found");
    await follow(page, page.getByRole("link", { name: "Go to the overview" }), /\/atlas\/index\.html$/);
    await clean(since, "navigation");
    assert.equal(Object.keys(seen).length, 14, `page types visited: ${Object.keys(seen).join(", ")}`);
  });

  await check("accessibility: axe finds no serious or critical violation on any page type", async () => {
    const failures = [];
    for (const [type, url] of Object.entries(seen)) {
      await page.goto(url, { waitUntil: "load" });
      try {
        await axe(page, type);
      } catch (e) {
        failures.push(e.message);
      }
    }
    // The search results open, and the dark colour scheme.
    await page.goto(base, { waitUntil: "load" });
    await typeSearch(page, "data");
    await axe(page, "overview with search results").catch((e) => failures.push(e.message));
    await page.emulateMedia({ colorScheme: "dark" });
    for (const type of ["overview", "submission", "review"]) {
      await page.goto(seen[type], { waitUntil: "load" });
      await axe(page, `${type} (dark)`).catch((e) => failures.push(e.message));
    }
    await page.emulateMedia({ colorScheme: "light" });
    assert.ok(failures.length === 0, failures.join("\n"));
  });

  await check("search: a skill by name, Enter follows the first result", async () => {
    const since = problems.length;
    await page.goto(base, { waitUntil: "load" });
    const results = await typeSearch(page, "docker");
    assert.equal((await resultTitles(results))[0], "Docker");
    assert.match(await results.first().getAttribute("href"), /^skills\/docker\/index\.html$/);
    await Promise.all([page.waitForURL(/\/atlas\/skills\/docker\/index\.html$/), page.locator("#search").press("Enter")]);
    assert.equal(await h1(page), "Docker");
    await clean(since, "search");
  });

  await check("search: a student from a submission page (two levels deep), click the result", async () => {
    const since = problems.length;
    await page.goto(base + "submissions/maria-volkova__lab-01/index.html", { waitUntil: "load" });
    const results = await typeSearch(page, "Alina");
    assert.equal((await resultTitles(results))[0], "alina-k");
    assert.equal(await results.first().getAttribute("href"), "../../submissions/alina-k__lab-01/index.html");
    await follow(page, results.first(), /\/atlas\/submissions\/alina-k__lab-01\/index\.html$/);
    assert.equal(await h1(page), "alina-k");
    await clean(since, "search");
  });

  await check("search: a role by two word prefixes, arrow keys then Enter", async () => {
    await page.goto(base + "skills/index.html", { waitUntil: "load" });
    const results = await typeSearch(page, "backend eng");
    assert.equal((await resultTitles(results))[0], "Backend Engineer");
    await page.locator("#search").press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), await results.first().textContent());
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    await Promise.all([page.waitForURL(/\/atlas\/roles\/backend-engineer\/index\.html$/), page.keyboard.press("Enter")]);
    assert.equal(await h1(page), "Backend Engineer");
  });

  await check("search: ranking puts exact and prefix title matches first", async () => {
    await page.goto(base, { waitUntil: "load" });
    let titles = await resultTitles(await typeSearch(page, "GO"));
    assert.equal(titles[0], "Go", `exact match first: ${titles}`);
    titles = await resultTitles(await typeSearch(page, "data"));
    const prefix = titles.map((t) => t.toLowerCase().startsWith("data"));
    assert.ok(prefix[0] && !prefix.slice(prefix.indexOf(false)).includes(true), `prefix matches first: ${titles}`);
    assert.ok(titles.includes("Data Analyst") && titles.includes("Data Engineer"), `${titles}`);
    await page.locator("#search").fill("zzqqxxj");
    await page.waitForFunction(() => document.getElementById("search-status").textContent === "No results");
    assert.equal(await page.locator("#search-results").isHidden(), true);
    await page.locator("#search").fill("data");
    await page.locator("#search").press("Escape");
    assert.equal(await page.locator("#search-results").isHidden(), true, "Escape closes the results");
  });

  await check("search: Cyrillic, case-insensitive, and Russian names students wrote", async () => {
    await page.goto(base + "roles/index.html", { waitUntil: "load" });
    let results = await typeSearch(page, "ВИТР");
    assert.equal((await resultTitles(results))[0], "Витрина (сайт и приложения)");
    await follow(page, results.first(), /\/atlas\/components\/[^/]+\/index\.html$/);
    assert.equal(await h1(page), "Витрина (сайт и приложения)");
    results = await typeSearch(page, "фронтенд");
    const titles = await resultTitles(results);
    assert.ok(titles.includes("Frontend Engineer"), `a role found by how a student wrote it: ${titles}`);
    assert.ok(titles.includes("maria-volkova"), `and the student who wrote it: ${titles}`);
    const role = results.filter({ has: page.locator(".search-title", { hasText: /^Frontend Engineer$/ }) });
    await follow(page, role, /\/atlas\/roles\/frontend-engineer\/index\.html$/);
  });

  await check("search on the 404 page (absolute links) leads back into the site", async () => {
    const since = problems.length;
    const missing = base + "deep/missing/path/x.html";
    expected404.add(missing);
    await page.goto(missing, { waitUntil: "load" });
    const results = await typeSearch(page, "spotify");
    assert.equal((await resultTitles(results))[0], "Spotify");
    assert.equal(await results.first().getAttribute("href"), base + "products/spotify/index.html");
    await follow(page, results.first(), /\/atlas\/products\/spotify\/index\.html$/);
    assert.equal(await h1(page), "Spotify");
    await clean(since, "404 search");
  });

  await check("screenshots: overview, submission, phone width", async () => {
    const dir = cfg.screenshots;
    fs.mkdirSync(dir, { recursive: true });
    await page.goto(base, { waitUntil: "load" });
    await page.screenshot({ path: path.join(dir, "overview.png"), fullPage: true });
    await typeSearch(page, "backend");
    await page.screenshot({ path: path.join(dir, "search.png") });
    await page.goto(seen.submission, { waitUntil: "load" });
    await page.screenshot({ path: path.join(dir, "submission.png"), fullPage: true });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    watch(p);
    await p.goto(seen.submission, { waitUntil: "load" });
    await p.screenshot({ path: path.join(dir, "phone-submission.png") });
    await p.goto(base, { waitUntil: "load" });
    await typeSearch(p, "mobile");
    await p.screenshot({ path: path.join(dir, "phone-overview-search.png") });
    // Nothing wider than the screen but tables and code (they scroll).
    const wide = await p.evaluate(() => document.querySelector("header.site").scrollWidth > window.innerWidth);
    assert.equal(wide, false, "the header fits a phone");
    await phone.close();
    for (const f of ["overview.png", "submission.png", "phone-submission.png"]) {
      assert.ok(fs.statSync(path.join(dir, f)).size > 1000, f);
    }
  });

  await check("without JavaScript: no search box, pages and links still work", async () => {
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const p = await nojs.newPage();
    const since = problems.length;
    watch(p);
    await p.goto(base, { waitUntil: "load" });
    assert.equal(await p.locator("#search").count(), 0);
    assert.equal(await p.locator("#site-search").isVisible(), false);
    await follow(p, nav(p, "Skills"), /\/atlas\/skills\/index\.html$/);
    assert.equal(await h1(p), "Skills");
    await clean(since, "no-JS");
    await nojs.close();
  });

  await check("tables: a header click sorts, letter case aside and numbers as numbers; complete without JS", async () => {
    const since = problems.length;
    const url = base + "skills/index.html";
    const skills = JSON.parse(fs.readFileSync(path.join(cfg.example.dir, "atlas.json"), "utf8")).skills;
    const column = (p, i) => p.locator("#skills-table tbody tr").evaluateAll(
      (rows, i) => rows.map((r) => r.cells[i].textContent.trim()), i);
    const header = (p, name) => p.locator("#skills-table thead th").filter({ hasText: name });
    const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
    const ordered = (xs, cmp) => xs.every((x, i) => i === 0 || cmp(xs[i - 1], x) <= 0);
    // Without JavaScript: every skill, in name order with letter case aside, no sort buttons.
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const p = await nojs.newPage();
    watch(p);
    await p.goto(url, { waitUntil: "load" });
    const served = await column(p, 0);
    assert.equal(served.length, skills.length, "every skill is a row without JavaScript");
    assert.ok(ordered(served, collator.compare), `server order: ${served}`);
    assert.equal(await p.locator("#skills-table th button").count(), 0);
    await nojs.close();
    // With it: the headers are buttons.
    await page.goto(url, { waitUntil: "load" });
    const name = header(page, "Skill").getByRole("button");
    await name.click();
    assert.equal(await header(page, "Skill").getAttribute("aria-sort"), "ascending");
    await name.click();
    assert.equal(await header(page, "Skill").getAttribute("aria-sort"), "descending");
    const down = await column(page, 0);
    assert.equal(down.length, served.length);
    assert.ok(ordered(down, (a, b) => collator.compare(b, a)), `descending: ${down}`);
    // "gRPC" sits among the G names, not after every capital.
    const g = down.indexOf("gRPC");
    assert.ok(g > 0 && down.indexOf("Go") > g, `gRPC before Go (descending): ${down}`);
    assert.ok(down.slice(0, g).some((x) => /^[A-Z]/.test(x)), `capitals above gRPC, not all below: ${down}`);
    // A numeric column: most first, 10 before 9; Enter on the focused button reverses.
    const asks = header(page, "Postings asking").getByRole("button");
    await asks.click();
    assert.equal(await header(page, "Postings asking").getAttribute("aria-sort"), "descending");
    assert.equal(await header(page, "Skill").getAttribute("aria-sort"), null);
    let n = (await column(page, 5)).map(Number);
    assert.ok(ordered(n, (a, b) => b - a), `numeric, most first: ${n}`);
    assert.ok(n[0] >= 10 && n.includes(9), `numbers of two digits and one: ${n}`);
    await asks.focus();
    await page.keyboard.press("Enter");
    assert.equal(await header(page, "Postings asking").getAttribute("aria-sort"), "ascending");
    n = (await column(page, 5)).map(Number);
    assert.ok(ordered(n, (a, b) => a - b), `numeric, fewest first: ${n}`);
    await clean(since, "table sorting");
  });

  await check("search from disk (file://): the index is a script, so it loads", async () => {
    const since = problems.length;
    const p = await context.newPage();
    watch(p);
    await p.goto(pathToFileURL(path.join(cfg.example.dir, "index.html")).href, { waitUntil: "load" });
    const results = await typeSearch(p, "kubernetes");
    assert.equal((await resultTitles(results))[0], "Kubernetes");
    await follow(p, results.first(), /\/skills\/kubernetes\/index\.html$/);
    assert.equal(await h1(p), "Kubernetes");
    await clean(since, "file://");
    await p.close();
  });

  await context.close();
}

async function hostileSite(browser) {
  const base = cfg.hostile.url;
  const context = await browser.newContext();
  const page = await context.newPage();
  allowImageFailures = true;
  watch(page);

  await check("hostile cohort: no payload runs on any page (every sitemap page and the 404)", async () => {
    const since = problems.length;
    const sitemap = await (await page.request.get(base + "sitemap.xml")).text();
    const urls = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    assert.ok(urls.length >= 10, `sitemap lists the pages: ${urls.length}`);
    const missing = base + "missing/<svg onload=window.__pwned=404>";
    expected404.add(new URL(missing).href);
    for (const url of [...urls, missing]) {
      await page.goto(url, { waitUntil: "load" });
      await notPwned(page);
      await noActiveContent(page, base);
    }
    await page.goto(base + cfg.hostile.submission, { waitUntil: "load" });
    const text = await page.locator("main").innerText();
    assert.ok(text.includes("{{ site.title }}"), "template syntax in student text is shown, not run");
    // Give any delayed payload (timers, lazy images) a moment.
    await page.waitForTimeout(300);
    await notPwned(page);
    await clean(since, "hostile pages");
  });

  await check("hostile cohort: search results show student text as text", async () => {
    const since = problems.length;
    for (const q of cfg.hostile.queries) {
      await page.goto(base, { waitUntil: "load" });
      const results = await typeSearch(page, q);
      await page.waitForTimeout(200);
      await notPwned(page);
      await noActiveContent(page, base);
      assert.equal(await page.locator("#search-results img, #search-results svg, #search-results script").count(), 0);
      const titles = await resultTitles(results);
      assert.ok(titles.some((t) => t.includes("<")), `the payload is shown as text: ${titles}`);
      await follow(page, results.first(), /\/atlas\/.+\/index\.html$/);
      await notPwned(page);
    }
    await clean(since, "hostile search");
  });

  await check("hostile cohort: axe on the hostile submission page", async () => {
    await page.goto(base + cfg.hostile.submission, { waitUntil: "load" });
    await axe(page, "hostile submission");
  });
  allowImageFailures = false;
  await context.close();
}

async function themedSite(browser) {
  const base = cfg.themed.url;
  const context = await browser.newContext();
  const page = await context.newPage();
  // CSP refusals are expected here (the theme's inline code); anything else is not.
  const csp = [];
  const other = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    (/Content Security Policy/.test(m.text()) ? csp : other).push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => other.push(`${page.url()}: uncaught: ${e.message}`));
  page.on("requestfailed", (r) => other.push(`${page.url()}: request failed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400) other.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`); });

  await check("theme: its static/style.css replaces the built-in one and applies under the CSP; its script runs, inline code does not", async () => {
    const themeCss = fs.readFileSync(path.join(cfg.themed.dir, "static", "style.css"), "utf8");
    assert.ok(themeCss.includes("--theme-marker"), "the built site has the theme's style.css");
    for (const url of [base, base + "submissions/index.html", base + "skills/index.html"]) {
      await page.goto(url, { waitUntil: "load" });
      await page.waitForFunction(() => document.documentElement.dataset.themeScript === "ran", null, { timeout: 5000 });
      const state = await page.evaluate(() => ({
        marker: getComputedStyle(document.documentElement).getPropertyValue("--theme-marker").trim(),
        background: getComputedStyle(document.body).backgroundColor,
        inlineScript: typeof window.__inline === "undefined" ? null : window.__inline,
        inlineStyle: getComputedStyle(document.body).getPropertyValue("--inline-style").trim(),
        sheets: [...document.styleSheets].filter((s) => s.href).map((s) => s.href.replace(/^.*\/atlas\//, "")),
        icon: document.querySelector('link[rel="icon"]').href,
      }));
      assert.equal(state.marker, "custom", `${url}: the theme's stylesheet applies`);
      assert.equal(state.background, "rgb(1, 2, 3)", `${url}: the theme's rule wins`);
      assert.equal(state.inlineScript, null, `${url}: an inline script ran despite the CSP`);
      assert.equal(state.inlineStyle, "", `${url}: an inline style applied despite the CSP`);
      assert.ok(state.sheets.some((s) => /(^|\/)static\/style\.css$/.test(s)), `${url}: ${state.sheets}`);
      const served = await (await page.request.get(base + "static/style.css")).text();
      assert.equal(served, themeCss, "the served style.css is the theme's, byte for byte");
      const icon = await page.request.get(state.icon);
      assert.equal(icon.status(), 200, "the built-in favicon is still there");
    }
    assert.deepEqual(other, [], "no other console error or failed request");
    assert.ok(csp.some((m) => /inline script/i.test(m)) && csp.some((m) => /inline style/i.test(m)), `the CSP stopped the inline code:\n${csp.join("\n")}`);
    const refusedFiles = csp.filter((m) => !/inline (script|style)/i.test(m));
    assert.deepEqual(refusedFiles, [], "the CSP refused none of the site's own files");
  });
  await context.close();
}

// A student's images on another host (cfg.images.other, a server the Rust
// side counts requests on): the page must not ask that host for anything.
async function imagesSite(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const origin = new URL(cfg.images.url).origin;
  const elsewhere = [];
  page.on("request", (r) => { if (new URL(r.url()).origin !== origin) elsewhere.push(r.url()); });
  await check("images on another host: the page requests nothing from it", async () => {
    await page.goto(cfg.images.url + cfg.images.submission, { waitUntil: "load" });
    await page.waitForTimeout(500);
    await page.mouse.wheel(0, 5000);
    await page.waitForTimeout(300);
    assert.deepEqual(elsewhere, [], "requests to other hosts");
    const links = await page.locator(`main a[href^="${cfg.images.other}"]`).count();
    assert.ok(links >= 2, `the images are links to their host: ${links}`);
  });
  await check("images on another host: Chromium can reach that host (control)", async () => {
    const r = await page.goto(cfg.images.control, { waitUntil: "load" });
    assert.equal(r.status(), 200);
    assert.ok(elsewhere.length >= 1, "the navigation was seen");
  });
  await context.close();
}

// A fork's diagrams (cfg.diagrams): copied into the site and shown with
// <img> on its page and its product's page; an SVG holding a script, shown
// with <img> (cfg.diagrams.planted, put into the built site by the Rust
// side), runs nothing.
async function diagramsSite(browser) {
  const base = cfg.diagrams.url;
  const context = await browser.newContext();
  const page = await context.newPage();
  allowImageFailures = false;
  watch(page);
  const shown = () => page.evaluate(() => [...document.querySelectorAll("main img")].map((i) => ({
    src: i.getAttribute("src"), alt: i.alt, complete: i.complete, width: i.naturalWidth,
  })));

  await check("diagrams: the images a fork embeds load on its page and its product's (<img>, naturalWidth > 0)", async () => {
    const since = problems.length;
    for (const [rel, least] of [[cfg.diagrams.submission, 3], [cfg.diagrams.product, 1]]) {
      await page.goto(base + rel, { waitUntil: "load" });
      const imgs = (await shown()).filter((i) => /^(\.\.\/)*files\/[0-9a-f]{32}\.(svg|png)$/.test(i.src));
      assert.ok(imgs.length >= least, `${rel}: ${imgs.length} diagrams shown, expected ${least}+`);
      for (const i of imgs) assert.ok(i.complete && i.width > 0, `${rel}: ${i.src} (${i.alt}) did not load`);
      assert.equal(await page.locator("main svg:not(.chart) script, main foreignObject").count(), 0, "SVG inlined");
      await notPwned(page);
      await noActiveContent(page, base);
    }
    await page.goto(base + cfg.diagrams.submission, { waitUntil: "load" });
    const puml = page.locator('main a[href$=".txt"]').first();
    const r = await page.request.get(new URL(await puml.getAttribute("href"), page.url()).href);
    assert.equal(r.status(), 200);
    assert.match(r.headers()["content-type"], /^text\/plain/);
    assert.match(await r.text(), /@startuml/);
    await clean(since, "diagram pages");
  });

  await check("diagrams: an SVG with a script, shown with <img>, does not run; a refused one is not shown", async () => {
    const since = problems.length;
    await page.goto(base + cfg.diagrams.hostile, { waitUntil: "load" });
    await page.waitForTimeout(300);
    const imgs = await shown();
    const planted = imgs.filter((i) => i.src.endsWith("files/" + cfg.diagrams.planted));
    assert.equal(planted.length, 1, `the planted SVG is shown: ${JSON.stringify(imgs)}`);
    assert.ok(planted[0].complete && planted[0].width > 0, "the planted SVG loaded as an image");
    assert.deepEqual(imgs.filter((i) => /evil\.svg/.test(i.src)), [], "the refused SVG is not shown");
    await notPwned(page);
    await noActiveContent(page, base);
    await clean(since, "hostile diagram page");
  });

  await context.close();
}

// search.js's ranking without a browser.
async function rankingUnits() {
  await check("search.js ranking (node)", async () => {
    const entries = search.prepare({
      kinds: ["page", "role", "skill"],
      entries: [
        [2, "JavaScript", "skills/javascript/index.html", "", []],
        [2, "Java", "skills/java/index.html", "", []],
        [1, "Backend Engineer", "roles/backend-engineer/index.html", "", ["Бэкенд-разработчик"]],
        [2, "Ёлка", "skills/elka/index.html", "", []],
        [1, "Data Engineer", "roles/data-engineer/index.html", "", ["big data"]],
        [2, "Big Data", "skills/big-data/index.html", "", []],
      ],
    });
    const titles = (q) => search.rank(entries, q, 10).map((e) => e.title);
    assert.deepEqual(titles("java"), ["Java", "JavaScript"], "exact first");
    assert.deepEqual(titles("JAV"), ["JavaScript", "Java"], "prefix; ties in index order");
    assert.deepEqual(titles("data"), ["Data Engineer", "Big Data"], "title prefix before a later word");
    assert.deepEqual(titles("бэкенд"), ["Backend Engineer"], "keywords, Cyrillic");
    assert.deepEqual(titles("БЭК"), ["Backend Engineer"]);
    assert.deepEqual(titles("елка"), ["Ёлка"], "ё folds to е");
    assert.deepEqual(titles("big data"), ["Big Data", "Data Engineer"], "title before keyword");
    assert.deepEqual(titles("eng back"), ["Backend Engineer"], "word prefixes in any order");
    assert.deepEqual(titles("  "), []);
    assert.deepEqual(titles("script"), ["JavaScript"], "substring");
    assert.equal(search.rank(entries, "a", 2).length, 2, "limit");
  });
}

async function main() {
  const t0 = Date.now();
  assert.ok(cfg.example && cfg.hostile && cfg.themed && cfg.screenshots, "E2E_CONFIG names example, hostile, themed and screenshots");
  await rankingUnits();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright gives each launch a fresh temporary profile (user-data-dir).
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  try {
    console.log(`chromium ${browser.version()}`);
    await exampleSite(browser);
    await hostileSite(browser);
    await themedSite(browser);
    if (cfg.images) await imagesSite(browser);
    if (cfg.diagrams) await diagramsSite(browser);
    await check("no console error, page error or failed request on any page visited", () => clean(0, "whole run"));
  } finally {
    await browser.close();
  }
  if (axeFindings.length) {
    console.log(`axe findings (all impacts, for information):\n  ${[...new Set(axeFindings)].join("\n  ")}`);
  }
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`browser tests: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`not ok - harness\n  ${e && e.stack ? e.stack : e}`);
  console.log(`${results.filter(Boolean).length} passed, ${results.length - results.filter(Boolean).length + 1} failed`);
  process.exit(1);
});
