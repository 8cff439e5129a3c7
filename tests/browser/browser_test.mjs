// Browser test of the HTML pages served by concerto, in headless Debian Chromium (ctest:
// browser_pages). Starts a real `concerto serve` on 127.0.0.1 over the example feeds, loads every
// page at a desktop and a phone viewport, and fails on console errors and warnings, page errors,
// failed or >= 400 sub-requests, requests to any other host, invalid HTML (html-validate) and a
// first Tab that focuses nothing visible. Screenshots go to --artifacts. See README.md.
//
//   node browser_test.mjs --concerto build/concerto --source . --artifacts build/test-artifacts/browser
//     [--chromium /usr/bin/chromium] [--only index,month,...]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEADLINE_MS = 170_000; // the whole run; ctest's TIMEOUT is 240 s
const FETCH_TIMEOUT_MS = 60_000; // `concerto fetch` of the local example feeds (< 1 s usually)
const START_TIMEOUT_MS = 20_000; // until the "serving" line
const HTTP_TIMEOUT_MS = 10_000; // each request made by this script
const LAUNCH_TIMEOUT_MS = 30_000;
const NAVIGATION_TIMEOUT_MS = 20_000;
const SETTLE_TIMEOUT_MS = 5_000; // waiting for the network to go idle after "load"
const SCREENSHOT_TIMEOUT_MS = 20_000;

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

function usage(message) {
  console.error(`browser_test: ${message}
usage: node browser_test.mjs --concerto <concerto binary> --source <repository> --artifacts <dir>
                             [--chromium /usr/bin/chromium] [--only index,month,event,...]`);
  process.exit(2);
}

function fatal(message) {
  console.error(`browser_test: FAIL: ${message}`);
  process.exit(1);
}

let options;
try {
  options = parseArgs({
    options: {
      concerto: { type: "string" },
      source: { type: "string" },
      artifacts: { type: "string" },
      chromium: { type: "string", default: "/usr/bin/chromium" },
      only: { type: "string" },
    },
  }).values;
} catch (error) {
  usage(error.message);
}
for (const name of ["concerto", "source", "artifacts"]) {
  if (!options[name]) usage(`--${name} is required`);
}
const concerto = path.resolve(options.concerto);
const source = path.resolve(options.source);
const artifacts = path.resolve(options.artifacts);
if (!fs.existsSync(concerto)) fatal(`no concerto binary at ${concerto}`);
if (!fs.existsSync(path.join(source, "feeds"))) fatal(`no feeds/ directory in ${source}`);

// The test tools are pinned in package.json and installed by scripts/install-deps.sh (npm ci).
const INSTALL_HINT = "run scripts/install-deps.sh (as root: Debian chromium, node and npm, then npm ci in tests/browser)";
const pinned = JSON.parse(fs.readFileSync(path.join(HERE, "package.json"), "utf8")).devDependencies;
for (const [name, version] of Object.entries(pinned)) {
  const manifest = path.join(HERE, "node_modules", name, "package.json");
  if (!fs.existsSync(manifest)) fatal(`the npm package ${name} is not installed in ${HERE}/node_modules: ${INSTALL_HINT}`);
  const installed = JSON.parse(fs.readFileSync(manifest, "utf8")).version;
  if (installed !== version) fatal(`${name} ${installed} is installed but package.json pins ${version}: ${INSTALL_HINT}`);
}
if (!fs.existsSync(options.chromium)) fatal(`no Chromium at ${options.chromium}: ${INSTALL_HINT}`);
const { chromium } = await import("playwright-core");
const { HtmlValidate, StaticConfigLoader } = await import("html-validate");
const htmlConfigs = await import("./htmlvalidate.config.mjs");

// ---- problems, cleanup and the global deadline ---------------------------------------------

const problems = []; // {page, where, message}
const problem = (page, where, message) => problems.push({ page, where, message });

let server = null; // the `concerto serve` child process
let serverLog = "";
let browser = null;
let workDir = null;

const serverRunning = () => server && server.exitCode === null && server.signalCode === null;
function stopServer() {
  if (serverRunning()) server.kill("SIGTERM");
}
// SIGTERM, then (the database is in workDir, removed at exit) wait for the server to be gone.
async function stopServerAndWait() {
  if (!serverRunning()) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await withTimeout(exited, 10_000, "stopping concerto serve").catch((error) => {
    problem("setup", "serve", error.message);
    server.kill("SIGKILL");
  });
}
process.on("exit", () => {
  stopServer();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    console.error(`browser_test: interrupted (${signal})`);
    process.exit(1);
  });
}
const deadline = setTimeout(() => {
  problem("setup", "deadline", `the run took more than ${DEADLINE_MS / 1000} s; stopped`);
  printSummary();
  process.exit(1);
}, DEADLINE_MS);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- the server ----------------------------------------------------------------------------

// `coreutils timeout` is a last resort: the server dies even if this script is SIGKILLed.
function spawnConcerto(args) {
  const lifetime = `${Math.ceil(DEADLINE_MS / 1000) + 30}s`;
  return fs.existsSync("/usr/bin/timeout")
    ? spawn("/usr/bin/timeout", ["--kill-after=5s", lifetime, concerto, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(concerto, args, { stdio: ["ignore", "pipe", "pipe"] });
}

function runFetch(config) {
  return runConcerto(["fetch", "--config", config]);
}

// Runs one `concerto` command to its end; resolves with its output.
function runConcerto(args) {
  return new Promise((resolve, reject) => {
    const child = spawnConcerto(args);
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), FETCH_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`concerto ${args[0]} exited with ${signal ?? code}:\n${output}`));
    });
  });
}

// Starts `concerto serve` and resolves with its port, read from the line it writes on stderr:
// "concerto: serving 6 feeds on http://127.0.0.1:41234/ (calendar.ics, api/events)".
function startServer(config) {
  return new Promise((resolve, reject) => {
    server = spawnConcerto(["serve", "--config", config]);
    let pending = "";
    const timer = setTimeout(() => reject(new Error(`no "serving" line within ${START_TIMEOUT_MS / 1000} s (its output is below)`)), START_TIMEOUT_MS);
    const collect = (chunk) => {
      serverLog += chunk;
      pending += chunk;
      const match = /concerto: serving .* on http:\/\/127\.0\.0\.1:(\d+)\//.exec(pending);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    server.stdout.on("data", collect);
    server.stderr.on("data", collect);
    server.on("error", (error) => reject(error));
    server.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`concerto serve exited with ${signal ?? code} before serving (its output is below)`));
    });
  });
}

async function get(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), redirect: "manual" });
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
}

// The first event that has not started yet (the example feeds are dated), else the first one.
async function pickEvent(base) {
  const response = await get(`${base}/api/events`);
  if (response.status !== 200) throw new Error(`GET /api/events answered ${response.status}`);
  const events = JSON.parse(response.body).events ?? [];
  if (events.length === 0) throw new Error("GET /api/events lists no event");
  const now = new Date();
  const today = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
  const upcoming = events.find((event) =>
    event.start.length === 10 ? event.start >= today : Date.parse(event.start) >= now.getTime());
  if (!upcoming) console.log(`browser_test: note: no upcoming event in /api/events, using the first one`);
  return upcoming ?? events[0];
}

// ---- one page in one viewport --------------------------------------------------------------

async function visit(page, viewportName, base, screenshotFile, extraChecks) {
  const context = await browser.newContext({ ...VIEWPORTS[viewportName], locale: "fr-FR", timezoneId: "Europe/Paris" });
  context.setDefaultTimeout(NAVIGATION_TIMEOUT_MS);
  const tab = await context.newPage();
  const report = (message) => problem(page.name, viewportName, message);
  // URLs already reported (refused host, status >= 400, failed): Chromium's own console line
  // "Failed to load resource" and a "request failed" that follows a 404 say nothing more.
  const reported = new Set();
  const isPage = (request) => request.isNavigationRequest() && request.frame() === tab.mainFrame();

  // Only the test server may be asked anything: no CDN, web font, analytics…
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === base) return route.continue();
    reported.add(url);
    report(`request to another host: ${route.request().method()} ${url}`);
    return route.abort("blockedbyclient");
  });
  tab.on("console", (message) => {
    if (message.type() !== "error" && message.type() !== "warning") return;
    const where = message.location();
    // Chromium's own "Failed to load resource" line for a status already reported below.
    if (/^Failed to load resource/.test(message.text()) && reported.has(where.url)) return;
    const at = where.url ? ` (${where.url}:${where.lineNumber + 1})` : "";
    report(`console ${message.type()}: ${message.text()}${at}`);
  });
  tab.on("pageerror", (error) => report(`uncaught exception: ${error.message}`));
  tab.on("requestfailed", (request) => {
    // The page's own failure is goto()'s error, reported below.
    if (reported.has(request.url()) || isPage(request)) return;
    reported.add(request.url());
    report(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  tab.on("response", (response) => {
    if (response.status() < 400) return;
    reported.add(response.url());
    // The page's own status is checked (2xx) after goto().
    if (!isPage(response.request())) report(`HTTP ${response.status()} for ${response.url()}`);
  });

  try {
    const response = await tab.goto(base + page.path, { waitUntil: "load", timeout: NAVIGATION_TIMEOUT_MS });
    if (!response) {
      report(`no response for ${page.path}`);
    } else if (response.status() < 200 || response.status() > 299) {
      report(`the page itself answered HTTP ${response.status()} ${response.statusText()}`);
    }
    await tab.waitForLoadState("networkidle", { timeout: SETTLE_TIMEOUT_MS }).catch(() => {});
    await withTimeout(tab.evaluate(() => document.fonts.ready.then(() => true)), SETTLE_TIMEOUT_MS, "document.fonts.ready");
    if (extraChecks) await extraChecks(tab, report, viewportName);
    await tab.screenshot({ path: screenshotFile, fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS });
  } catch (error) {
    report(`${error.message.split("\n")[0]}`);
  } finally {
    await withTimeout(context.close(), 10_000, "closing the browser context").catch(() => {});
  }
}

// On `/`: French document, and a first Tab that lands on something visible (a skip link, a link).
async function keyboardChecks(tab, report) {
  const lang = await tab.evaluate(() => document.documentElement.lang);
  if (lang !== "fr") report(`a11y: document.documentElement.lang is "${lang}", expected "fr"`);
  await tab.keyboard.press("Tab");
  const focused = await tab.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    const visible = box.width > 0 && box.height > 0 && style.visibility !== "hidden" && Number(style.opacity) > 0 &&
      box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
    const text = (element.innerText || element.getAttribute("aria-label") || "").trim().slice(0, 60);
    const href = element.getAttribute("href");
    return { visible, description: `<${element.tagName.toLowerCase()}${href ? ` href="${href}"` : ""}> "${text}"` };
  });
  if (!focused) report("keyboard: the first Tab focuses nothing (no skip link or link reachable)");
  else if (!focused.visible) report(`keyboard: the first Tab focuses ${focused.description}, which is not visible on screen`);
  else console.log(`browser_test: first Tab on / focuses ${focused.description}`);
  // Leave no focus ring on the screenshot.
  await tab.evaluate(() => document.activeElement?.blur());
}

// On /partners: sign in with the partner's token, then the dashboard (its feed registered through
// the API before) and the feed's page, each validated as served (with the session's cookie) and
// photographed; the last page is photographed by visit().
function partnerChecks(base, token) {
  return async (tab, report, viewportName) => {
    await tab.fill("#p-token", token);
    await Promise.all([tab.waitForURL(`${base}/partners`, { waitUntil: "load" }), tab.click("form.signin button[type=submit]")]);
    const heading = await tab.locator("h1").innerText();
    if (!/Vos flux/.test(heading)) return report(`after signing in, the page's h1 is "${heading}", expected "Vos flux"`);
    const cards = await tab.locator(".feed-card").count();
    if (cards !== 1) report(`the dashboard shows ${cards} feed cards, expected 1`);
    const served = await tab.context().request.get(`${base}/partners`);
    if (viewportName === "desktop") await validateBody("partners-dashboard", await served.text(), false, (m) => report(`[html] ${m}`));
    await tab.screenshot({ path: path.join(artifacts, `partners-dashboard-${viewportName}.png`), fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS });
    await Promise.all([tab.waitForURL(/\/partners\/feeds\/p-[0-9a-f]+$/, { waitUntil: "load" }), tab.click(".feed-card h2 a")]);
    const health = await tab.locator(".health .badge").first().innerText();
    if (!/bonne santé/.test(health)) report(`the feed page says "${health}", expected "en bonne santé"`);
    if (viewportName === "desktop") {
      const feedPage = await tab.context().request.get(tab.url());
      await validateBody("partners-feed", await feedPage.text(), false, (m) => report(`[html] ${m}`));
    }
  };
}

// ---- HTML validation of the served bytes ---------------------------------------------------

async function validate(page, base) {
  const report = (message) => problem(page.name, "html", message);
  let response;
  try {
    response = await get(base + page.path);
  } catch (error) {
    return report(`GET ${page.path}: ${error.message}`);
  }
  if (response.status < 200 || response.status > 299) {
    return report(`GET ${page.path} answered HTTP ${response.status}; not validated`);
  }
  if (!/^text\/html\s*;\s*charset=utf-8$/i.test(response.type)) {
    report(`Content-Type is "${response.type}", expected "text/html; charset=utf-8"`);
  }
  await validateBody(page.name, response.body, page.fragment, report);
}

// Saves the served bytes of `name` and reports what html-validate finds in them.
async function validateBody(name, body, fragment, report) {
  fs.writeFileSync(path.join(artifacts, `${name}.html`), body);
  const config = fragment ? htmlConfigs.fragment : htmlConfigs.page;
  const validator = new HtmlValidate(new StaticConfigLoader(config));
  const result = await withTimeout(validator.validateString(body, `${name}.html`), HTTP_TIMEOUT_MS, "html-validate");
  for (const file of result.results) {
    for (const message of file.messages) {
      report(`${name}.html:${message.line}:${message.column} ${message.ruleId}: ${message.message}`);
    }
  }
}

// ---- summary -------------------------------------------------------------------------------

let pages = [];
let summaryPrinted = false;
function printSummary() {
  if (summaryPrinted) return;
  summaryPrinted = true;
  const lines = ["", "browser_test summary:"];
  for (const page of pages) {
    const mine = problems.filter((p) => p.page === page.name);
    lines.push(`  ${mine.length === 0 ? "ok  " : "FAIL"} ${page.name.padEnd(15)} ${page.path}`);
    for (const p of mine) lines.push(`         [${p.where}] ${p.message}`);
  }
  for (const p of problems.filter((p) => !pages.some((page) => page.name === p.page))) {
    lines.push(`  FAIL ${p.page}: ${p.message}`);
  }
  lines.push(problems.length === 0
    ? `browser_test: PASS (screenshots in ${artifacts})`
    : `browser_test: FAIL: ${problems.length} problem(s); screenshots and served HTML in ${artifacts}`);
  const text = lines.join("\n");
  console.log(text);
  try {
    fs.writeFileSync(path.join(artifacts, "summary.txt"), text + "\n");
  } catch {}
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const file of fs.readdirSync(artifacts)) {
    if (/-(desktop|phone)\.png$|\.html$|^summary\.txt$/.test(file)) fs.rmSync(path.join(artifacts, file));
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "concerto-browser-"));
  const config = path.join(workDir, "concerto.ini");
  // [fetch] allow: the partner's feed is the agenda's own calendar, on 127.0.0.1.
  fs.writeFileSync(config, `[storage]\ndatabase = sqlite:${workDir}/state/concerto.db\n` +
    `[feeds]\ndirectory = ${source}/feeds\n[server]\nlisten = 127.0.0.1:0\n` +
    `[fetch]\nallow = 127.0.0.0/8\n`);

  try {
    await runFetch(config);
  } catch (error) {
    return problem("setup", "fetch", error.message);
  }
  let partnerToken = null;
  try {
    const added = await runConcerto(["partners", "add", "Décider ensemble", "--email", "contact@example.org", "--config", config]);
    partnerToken = /token: (cct_[A-Za-z0-9_-]+)/.exec(added)?.[1] ?? null;
    if (!partnerToken) problem("setup", "partners", `no token in the output of partners add:\n${added}`);
  } catch (error) {
    problem("setup", "partners", error.message);
  }
  let port;
  try {
    port = await startServer(config);
  } catch (error) {
    return problem("setup", "serve", error.message);
  }
  const base = `http://127.0.0.1:${port}`;
  console.log(`browser_test: concerto serving on ${base}`);

  let event = null;
  try {
    event = await pickEvent(base);
  } catch (error) {
    problem("setup", "api", `${error.message}; the month and event pages use the current month / are skipped`);
  }
  if (partnerToken) {
    try {
      const response = await fetch(`${base}/api/feeds`, {
        method: "POST",
        headers: { Authorization: `Bearer ${partnerToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ url: `${base}/calendar.ics`, name: "Agenda de l’ICPC" }),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      if (response.status !== 201) problem("setup", "api", `POST /api/feeds answered ${response.status}: ${await response.text()}`);
    } catch (error) {
      problem("setup", "api", `POST /api/feeds: ${error.message}`);
    }
  }
  const month = event ? event.start.slice(0, 7) : new Date().toISOString().slice(0, 7);
  pages = [
    { name: "index", path: "/", checks: keyboardChecks },
    { name: "month", path: `/month/${month}` },
    event && { name: "event", path: `/events/${encodeURIComponent(event.uid)}` },
    { name: "embed-upcoming", path: "/embed/upcoming", fragment: true },
    { name: "embed-widget", path: "/embed/widget" },
    { name: "subscribe", path: "/subscribe" },
    { name: "partners-signin", path: "/partners" },
    partnerToken && { name: "partners", path: "/partners", checks: partnerChecks(base, partnerToken), everyViewport: true, noValidation: true },
  ].filter(Boolean);
  if (options.only) {
    const wanted = options.only.split(",");
    pages = pages.filter((page) => wanted.includes(page.name));
  }

  try {
    browser = await chromium.launch({
      executablePath: options.chromium,
      headless: true,
      timeout: LAUNCH_TIMEOUT_MS,
      // --no-sandbox: Chromium's sandbox refuses to run as root (CI). Small /dev/shm in containers.
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
  } catch (error) {
    return problem("setup", "chromium", `cannot launch ${options.chromium}: ${error.message.split("\n")[0]}`);
  }
  console.log(`browser_test: Chromium ${browser.version()}, ${pages.length} pages x ${Object.keys(VIEWPORTS).length} viewports`);

  for (const page of pages) {
    for (const viewportName of Object.keys(VIEWPORTS)) {
      const file = path.join(artifacts, `${page.name}-${viewportName}.png`);
      await visit(page, viewportName, base, file, viewportName === "desktop" || page.everyViewport ? page.checks : null);
    }
    if (!page.noValidation) await validate(page, base);
    const count = problems.filter((p) => p.page === page.name).length;
    console.log(`browser_test: ${page.path}: ${count === 0 ? "ok" : `${count} problem(s)`}`);
  }
}

try {
  await main();
} catch (error) {
  problem("setup", "internal", error.stack ?? String(error));
} finally {
  if (browser) await withTimeout(browser.close(), 10_000, "closing Chromium").catch(() => {});
  await stopServerAndWait();
}
clearTimeout(deadline);
printSummary();
if (problems.length > 0 && serverLog) console.log(`\nconcerto serve log:\n${serverLog.trimEnd()}`);
process.exit(problems.length === 0 ? 0 : 1);
