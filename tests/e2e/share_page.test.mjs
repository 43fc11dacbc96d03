// End-to-end tests of the share page, GET /share/{id}, in Debian's headless Chromium driven by
// playwright-core: the real server on a loopback port, tasks created through the API, and the page
// checked as a visitor sees it (text, markdown, collapsed tool calls, headers, OpenGraph tags), as an
// attacker would try it (script payloads everywhere a transcript can carry text) and after the owner
// revokes the link. Screenshots go to $E2E_ARTIFACTS (default: artifacts/ beside this file).
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { Server, artifactsDir } from './support/server.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const LAUNCH_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 60_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// ---------------------------------------------------------------------------------------------------
// The transcripts.

// A normal transcript: a user instruction, an assistant that calls a tool, the tool's result, a
// markdown report (heading, table, fenced code, list), and a short exchange after it.
const NORMAL = {
  title: 'Login form audit of app.example',
  user1: 'Audit the login form of app.example for injection flaws, please.',
  assistant1: 'Starting with a crawl of the login flow.',
  toolName: 'http_request',
  toolInputMarker: 'e2e-tool-input-7f3a',
  toolOutputMarker: 'e2e-tool-output-91c2',
  heading: 'Findings summary',
  code: ['payload = "admin\'--"', 'print(payload)'],
  listItems: ['parameterise the login query', 'encode output in the search page'],
  user2: 'Thanks, please write it up for the client.',
  assistant3: 'Report written: one high and one medium finding.',
};
NORMAL.report = [
  `## ${NORMAL.heading}`,
  '',
  'The login form is vulnerable to **SQL injection**.',
  '',
  '| endpoint | issue | severity |',
  '|---|---|---|',
  '| /login | SQL injection | high |',
  '| /search | reflected XSS | medium |',
  '',
  '```python',
  ...NORMAL.code,
  '```',
  '',
  ...NORMAL.listItems.map((item) => `- ${item}`),
].join('\n');
NORMAL.messages = [
  {
    id: 'normal-2',
    role: 'assistant',
    parts: [
      { type: 'text', text: NORMAL.assistant1 },
      {
        type: 'tool-call',
        tool: NORMAL.toolName,
        input: { method: 'POST', url: 'https://app.example/login', headers: { 'X-Trace': NORMAL.toolInputMarker } },
      },
    ],
  },
  {
    id: 'normal-3',
    role: 'tool',
    parts: [{
      type: 'tool-result',
      tool: NORMAL.toolName,
      output: `HTTP/1.1 500 Internal Server Error\nSQLSTATE[42000]: syntax error near ${NORMAL.toolOutputMarker}`,
    }],
  },
  { id: 'normal-4', role: 'assistant', parts: [{ type: 'text', text: NORMAL.report }] },
  { id: 'normal-5', role: 'user', content: NORMAL.user2 },
  { id: 'normal-6', role: 'assistant', parts: [{ type: 'text', text: NORMAL.assistant3 }] },
];

// Script payloads: links to javascript: and data: URLs, the classic tags, and tagged ones that leave a
// trace that can be looked for if they ever run (document.title, a data attribute on <body>, a CSS
// custom property) or are ever parsed as markup (an element with a known id). `tag` names where the
// payload is put, so that each place can be checked for showing it as text.
const LINK_PAYLOADS = [
  '[click](javascript:alert(1))',
  '[caps](JaVaScRiPt:alert(1))',
  '<javascript:alert(1)>',
  '[data](data:text/html,<script>alert(1)</script>)',
];
const CLASSIC_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  `"><script>fetch('http://127.0.0.1:9/x')</script>`,
];
const TAGS = ['user', 'md-inline', 'md-block', 'fence', 'tool-input', 'tool-output'];
function taggedPayloads(tag) {
  return [
    `<script>document.title='XSS-RAN-${tag}'</script>`,
    `<img id="xss-img-${tag}" src=x onerror="document.body.dataset.xss='img-${tag}'">`,
    `<svg id="xss-svg-${tag}" onload="document.body.dataset.xss='svg-${tag}'"></svg>`,
    `<iframe id="xss-frame-${tag}" src="http://127.0.0.1:9/frame-${tag}"></iframe>`,
    `<iframe srcdoc="<script>parent.document.title='XSS-RAN-srcdoc-${tag}'</script>"></iframe>`,
    `<style>:root{--xss-${tag}:injected} body{display:none}</style>`,
    `<div id="xss-div-${tag}">injected-${tag}</div>`,
  ];
}
const payloadsFor = (tag) => [...CLASSIC_PAYLOADS, ...taggedPayloads(tag)];

const XSS = {
  title: `XSS probe "><img src=x onerror=alert(1)><script>document.title='XSS-RAN-title'</script>`,
  toolCallName: `"><svg onload=alert(1)><script>document.title='XSS-RAN-toolname'</script>`,
  toolResultName: `<script>document.title='XSS-RAN-resultname'</script>`,
  role: `"><img src=x onerror=alert(1)><script>document.title='XSS-RAN-role'</script>`,
  user: [...payloadsFor('user'), ...LINK_PAYLOADS].join('\n\n'),
  markdown: [
    `Inline: ${payloadsFor('md-inline').join(' and ')}`,
    '',
    payloadsFor('md-block').join('\n\n'),
    '',
    `Links: ${LINK_PAYLOADS.join(' ')}`,
    '',
    'Code span: `<script>alert(1)</script>`',
    '',
    '```html',
    ...payloadsFor('fence'),
    '```',
  ].join('\n'),
  toolOutput: payloadsFor('tool-output').join('\n'),
};
XSS.messages = [
  {
    id: 'xss-2',
    role: 'assistant',
    parts: [
      { type: 'text', text: XSS.markdown },
      { type: 'tool-call', tool: XSS.toolCallName, input: { command: payloadsFor('tool-input').join('\n') } },
    ],
  },
  { id: 'xss-3', role: 'tool', parts: [{ type: 'tool-result', tool: XSS.toolResultName, output: XSS.toolOutput }] },
  { id: 'xss-4', role: XSS.role, content: 'A message whose role is a payload.' },
];
// Every document.title a payload would set if it ran.
const SIDE_EFFECT_TITLES = ['title', 'toolname', 'resultname', 'role', ...TAGS].flatMap((t) => [
  `XSS-RAN-${t}`, `XSS-RAN-srcdoc-${t}`,
]);

const REVOKED = {
  title: 'Revocable transcript 5d1c',
  user1: 'Check the staging host for exposed admin panels (revocation probe 5d1c).',
  assistant1: 'No admin panel is exposed on staging (revocation probe 5d1c).',
};

// ---------------------------------------------------------------------------------------------------
// Set-up: one server, one owner, three unlisted tasks, one browser.

let server;
let browser;
let ownerKey;
const taskIds = {};
const openContexts = new Set();

async function createTask(title, firstMessage, messages) {
  const created = await server.api('POST', '/api/v1/tasks', {
    key: ownerKey, expect: 202, body: { title, task: firstMessage, visibility: 'unlisted' },
  });
  const id = created.json.id;
  if (messages.length > 0) {
    await server.api('POST', `/api/v1/tasks/${id}/messages`, { key: ownerKey, expect: 200, body: { messages } });
  }
  return id;
}

const shareUrl = (id) => `${server.baseUrl}/share/${id}`;

before(async () => {
  await mkdir(artifactsDir, { recursive: true });
  server = await Server.create();
  ownerKey = await server.addUser('owner@example.com');
  await server.start();
  taskIds.normal = await createTask(NORMAL.title, NORMAL.user1, NORMAL.messages);
  taskIds.xss = await createTask(XSS.title, XSS.user, XSS.messages);
  taskIds.revoked = await createTask(REVOKED.title, REVOKED.user1, [
    { id: 'revoked-2', role: 'assistant', parts: [{ type: 'text', text: REVOKED.assistant1 }] },
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: LAUNCH_TIMEOUT_MS,
    // Playwright starts the browser on a new empty user data dir of its own and removes it on close.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}, { timeout: 2 * TEST_TIMEOUT_MS });

after(async () => {
  const failures = [];
  for (const context of openContexts) {
    await withTimeout(context.close(), CLOSE_TIMEOUT_MS, 'context.close').catch(() => {});
  }
  if (browser) {
    await withTimeout(browser.close(), CLOSE_TIMEOUT_MS, 'browser.close').catch((e) => failures.push(e));
  }
  if (server) await server.stop().catch((e) => failures.push(e));
  if (failures.length > 0) throw failures[0];
}, { timeout: 3 * CLOSE_TIMEOUT_MS });

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------
// Visiting a page, with everything the page does recorded.

// Opens a new browser context (JavaScript enabled, so that a payload that got through would run) and a
// page in it, and loads `url`. Records dialogs (dismissed), every request of the context, console
// errors (but for the document's own error status), uncaught page errors and Content-Security-Policy
// violations (seen by a listener that the browser adds before any of the page's own content, outside
// the page's CSP).
async function visit(url, { viewport = DESKTOP, isMobile = false, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, isMobile, bypassCSP, javaScriptEnabled: true });
  openContexts.add(context);
  const events = { dialogs: [], requests: [], consoleErrors: [], pageErrors: [] };
  context.on('request', (r) => events.requests.push(r.url()));
  await context.addInitScript(() => {
    window.__e2eCspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__e2eCspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    }, true);
  });
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  page.on('dialog', (d) => {
    events.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const from = m.location().url;
    // Chromium logs an error page's own status ("Failed to load resource: the server responded with a
    // status of 404"): that is the status under test, not something the page did.
    if (from === url && /^Failed to load resource: the server responded with a status of \d+/.test(m.text())) return;
    events.consoleErrors.push(`${m.text()} (${from})`);
  });
  page.on('pageerror', (e) => events.pageErrors.push(String(e)));
  // networkidle: nothing in flight for 500 ms, which also gives a payload's error handler time to run.
  const response = await page.goto(url, { waitUntil: 'networkidle' });
  assert.ok(response, `no response for ${url}`);
  const headers = await response.allHeaders();
  const close = async () => {
    openContexts.delete(context);
    await withTimeout(context.close(), CLOSE_TIMEOUT_MS, 'context.close');
  };
  return { context, page, response, headers, events, close };
}

const cspViolations = (page) => page.evaluate(() => window.__e2eCspViolations);

// The page made no request but for its own document: no image, style sheet, font, frame or fetch.
function assertOnlyDocumentRequested(events, url) {
  const others = events.requests.filter((u) => u !== url);
  assert.deepEqual(others, [], `requests other than the page itself: ${JSON.stringify(others)}`);
}

// A page that must run no script and break no policy: no dialog, no page error, no console error, no
// CSP violation, no request but the document.
async function assertQuietPage(visited, url) {
  assert.deepEqual(visited.events.dialogs, [], 'dialogs were opened');
  assert.deepEqual(visited.events.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(visited.events.consoleErrors, [], 'console errors');
  assert.deepEqual(await cspViolations(visited.page), [], 'Content-Security-Policy violations');
  assertOnlyDocumentRequested(visited.events, url);
}

// The CSP as a map from directive name to its list of sources.
function parseCsp(value) {
  const directives = new Map();
  for (const part of value.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

// The security headers every share page carries, error pages included.
function assertSecurityHeaders(headers, { noindex = false } = {}) {
  assert.match(headers['content-type'] ?? '', /^text\/html;\s*charset=utf-8$/i, 'Content-Type');
  const cspValue = headers['content-security-policy'];
  assert.ok(cspValue, 'Content-Security-Policy is missing');
  const csp = parseCsp(cspValue);
  assert.deepEqual(csp.get('default-src'), ["'none'"], `default-src in ${cspValue}`);
  assert.deepEqual(csp.get('img-src'), ['data:'], `img-src in ${cspValue}`);
  assert.deepEqual(csp.get('base-uri'), ["'none'"], `base-uri in ${cspValue}`);
  assert.deepEqual(csp.get('form-action'), ["'none'"], `form-action in ${cspValue}`);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `frame-ancestors in ${cspValue}`);
  const styleSrc = csp.get('style-src') ?? [];
  assert.ok(styleSrc.length > 0, `style-src missing in ${cspValue}`);
  for (const source of styleSrc) {
    assert.match(source, /^'sha256-[A-Za-z0-9+/]{43}='$/, `style-src allows ${source}: only hashes are expected`);
  }
  // No script at all: nothing loosens default-src 'none' for scripts, and no directive is unsafe.
  for (const [name, sources] of csp) {
    if (name.startsWith('script-src')) assert.deepEqual(sources, ["'none'"], `${name} in ${cspValue}`);
    for (const source of sources) {
      assert.doesNotMatch(source, /^'unsafe-|^'strict-dynamic'$|^'nonce-/i, `${name} allows ${source}`);
    }
    if (name.endsWith('-src') && !['default-src', 'style-src', 'img-src'].includes(name)) {
      assert.deepEqual(sources, ["'none'"], `${name} in ${cspValue}`);
    }
  }
  assert.equal(headers['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
  assert.equal(headers['referrer-policy'], 'no-referrer', 'Referrer-Policy');
  assert.equal((headers['x-frame-options'] ?? '').toUpperCase(), 'DENY', 'X-Frame-Options');
  if (noindex) assert.match(headers['x-robots-tag'] ?? '', /\bnoindex\b/i, 'X-Robots-Tag');
  return csp;
}

// The page is styled: it has at least one <style> with rules, and each one's SHA-256 is allowed by
// style-src (so the browser applied it rather than blocking it).
async function assertStyled(page, csp) {
  const styles = await page.$$eval('style', (els) => els.map((e) => ({ text: e.textContent, rules: e.sheet?.cssRules.length ?? 0 })));
  assert.ok(styles.length > 0, 'the page has no <style>');
  const allowed = csp.get('style-src') ?? [];
  for (const { text } of styles) {
    const hash = `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    assert.ok(allowed.includes(hash), `a <style> hashes to ${hash}, which style-src (${allowed.join(' ')}) does not allow`);
  }
  assert.ok(styles.some((s) => s.rules > 0), 'no <style> of the page has any CSS rule');
  const linked = await page.$$eval('link[rel~="stylesheet"], [style]', (els) => els.length);
  assert.equal(linked, 0, 'the page uses linked style sheets or style attributes, which its CSP blocks');
}

// Each string of `needles` occurs in `haystack`, in that order.
function assertInOrder(haystack, needles, what) {
  let from = 0;
  for (const needle of needles) {
    const at = haystack.indexOf(needle, from);
    assert.ok(at >= 0, `${what}: ${JSON.stringify(needle)} is missing after position ${from} of:\n${haystack}`);
    from = at + needle.length;
  }
}

// Opens every collapsed <details> of the page by clicking its <summary>, as a reader would.
async function openAllDetails(page) {
  const summaries = page.locator('details:not([open]) > summary');
  for (let guard = 0; guard < 200; guard++) {
    if ((await summaries.count()) === 0) return;
    await summaries.first().click();
  }
  throw new Error('more than 200 <details> to open');
}

// Activates a link as Enter on it would (a click event, whatever the CSS says of the pointer) and waits
// for the page it loads, if it loads one: any href but a fragment or a javascript: URL.
async function activateLink(page, link) {
  const href = await link.getAttribute('href');
  if (href === null || href.startsWith('#') || /^[\u0000-\u0020]*javascript:/i.test(href)) {
    await link.dispatchEvent('click');
  } else {
    await Promise.all([page.waitForEvent('load'), link.dispatchEvent('click')]);
  }
}

async function screenshot(page, name) {
  const path = join(artifactsDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// ---------------------------------------------------------------------------------------------------
// The tests.

describe('share page of a normal transcript', () => {
  test('renders the transcript: title, messages in order with their roles, markdown', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const url = shareUrl(taskIds.normal);
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 200);
      assert.ok((await v.page.title()).includes(NORMAL.title), `title ${JSON.stringify(await v.page.title())}`);
      await assertQuietPage(v, url);

      // The visible text has every message in order, the tool call by its name in a summary line.
      const text = await v.page.locator('body').innerText();
      assertInOrder(text, [
        NORMAL.user1,
        NORMAL.assistant1,
        NORMAL.toolName,
        NORMAL.heading,
        'SQL injection',
        'reflected XSS',
        NORMAL.code.join('\n'),
        ...NORMAL.listItems,
        NORMAL.user2,
        NORMAL.assistant3,
      ], 'visible text');

      // One element per message, the role shown in it: the largest element around each message's
      // text that holds no other message's text.
      const byMessage = [
        ['user', NORMAL.user1],
        ['assistant', NORMAL.assistant1],
        ['tool', NORMAL.toolOutputMarker],
        ['assistant', NORMAL.heading],
        ['user', NORMAL.user2],
        ['assistant', NORMAL.assistant3],
      ];
      const elements = await v.page.evaluate((markers) => {
        const deepest = (marker) => {
          let found = null;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
          for (let n = walker.currentNode; n; n = walker.nextNode()) if (n.textContent.includes(marker)) found = n;
          return found;
        };
        return markers.map((marker) => {
          let el = deepest(marker);
          if (!el) return null;
          const others = markers.filter((m) => m !== marker);
          while (el.parentElement && el.parentElement !== document.body &&
                 !others.some((o) => el.parentElement.textContent.includes(o))) {
            el = el.parentElement;
          }
          return { tag: el.tagName.toLowerCase(), text: el.innerText };
        });
      }, byMessage.map(([, marker]) => marker));
      byMessage.forEach(([role, marker], i) => {
        assert.ok(elements[i], `no element holds ${JSON.stringify(marker)}`);
        assert.match(elements[i].text, new RegExp(`\\b${role}\\b`, 'i'),
          `the element of message ${i + 1} (<${elements[i].tag}>) does not show the role ${role}: ${JSON.stringify(elements[i].text)}`);
      });

      // Markdown became HTML: heading, emphasis, table, fenced code, list.
      const md = await v.page.evaluate((n) => {
        const texts = (sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText.trim());
        return {
          headings: texts('h1, h2, h3, h4, h5, h6'),
          strong: texts('strong'),
          th: texts('table th'),
          td: texts('table td'),
          code: texts('pre code'),
          li: texts('ul > li, ol > li'),
          rawHeading: document.body.innerText.includes(`## ${n.heading}`),
          rawTable: document.body.innerText.includes('|---|'),
        };
      }, NORMAL);
      assert.ok(md.headings.includes(NORMAL.heading), `headings: ${JSON.stringify(md.headings)}`);
      assert.ok(md.strong.includes('SQL injection'), `strong: ${JSON.stringify(md.strong)}`);
      assert.deepEqual(md.th, ['endpoint', 'issue', 'severity']);
      assert.deepEqual(md.td, ['/login', 'SQL injection', 'high', '/search', 'reflected XSS', 'medium']);
      assert.ok(md.code.includes(NORMAL.code.join('\n')), `code blocks: ${JSON.stringify(md.code)}`);
      for (const item of NORMAL.listItems) assert.ok(md.li.includes(item), `list items: ${JSON.stringify(md.li)}`);
      assert.equal(md.rawHeading, false, 'the markdown heading is shown as raw text');
      assert.equal(md.rawTable, false, 'the markdown table is shown as raw text');

      const desktop = await screenshot(v.page, 'share-page.png');
      t.diagnostic(`screenshot: ${desktop}`);
    } finally {
      await v.close();
    }
  });

  test('tool calls and results are collapsed <details> that open on a click', { timeout: TEST_TIMEOUT_MS }, async () => {
    const url = shareUrl(taskIds.normal);
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 200);
      for (const marker of [NORMAL.toolInputMarker, NORMAL.toolOutputMarker]) {
        const details = v.page.locator('details', { hasText: marker }).last();
        assert.equal(await details.count(), 1, `${marker} is not inside a <details>`);
        assert.equal(await details.evaluate((d) => d.open), false, `the <details> of ${marker} is open`);
        const summary = details.locator(':scope > summary');
        assert.ok(await summary.isVisible(), `the <details> of ${marker} has no visible <summary>`);
        assert.match(await summary.innerText(), new RegExp(NORMAL.toolName), 'the summary does not name the tool');
        // The body of the <details> (what is not its summary) holds the call or result in full.
        const body = details.locator(':scope > :not(summary)', { hasText: marker }).first();
        assert.equal(await body.count(), 1, `${marker} is not in the body of its <details>`);
        assert.equal(await body.isVisible(), false, `the body holding ${marker} is visible while collapsed`);
        await summary.click();
        assert.equal(await details.evaluate((d) => d.open), true, `the <details> of ${marker} did not open`);
        assert.ok(await body.isVisible(), `the body holding ${marker} is not visible once opened`);
        assert.ok((await body.innerText()).includes(marker), `${marker} is not shown once opened`);
      }
      await assertQuietPage(v, url);
    } finally {
      await v.close();
    }
  });

  test('fits a phone screen, 390 px wide', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const url = shareUrl(taskIds.normal);
    const v = await visit(url, { viewport: PHONE, isMobile: true });
    try {
      assert.equal(v.response.status(), 200);
      const path = await screenshot(v.page, 'share-page-phone.png');
      t.diagnostic(`screenshot: ${path}`);
      const text = await v.page.locator('body').innerText();
      assertInOrder(text, [NORMAL.user1, NORMAL.assistant1, NORMAL.heading, NORMAL.user2, NORMAL.assistant3], 'visible text');
      const widths = await v.page.evaluate(() => ({
        viewport: window.innerWidth, page: document.documentElement.scrollWidth,
      }));
      assert.equal(widths.viewport, PHONE.width, 'the page does not lay out at the device width (meta viewport?)');
      assert.ok(widths.page <= widths.viewport, `the page scrolls sideways: ${widths.page} px wide on a ${widths.viewport} px screen`);
      await assertQuietPage(v, url);
    } finally {
      await v.close();
    }
  });

  test('sends the security headers and OpenGraph tags', { timeout: TEST_TIMEOUT_MS }, async () => {
    const url = shareUrl(taskIds.normal);
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 200);
      const csp = assertSecurityHeaders(v.headers, { noindex: true });
      await assertStyled(v.page, csp);
      const og = await v.page.evaluate(() => Object.fromEntries(
        [...document.querySelectorAll('meta[property^="og:"]')].map((m) => [m.getAttribute('property'), m.getAttribute('content')])));
      assert.ok(og['og:title']?.includes(NORMAL.title), `og:title ${JSON.stringify(og['og:title'])}`);
      assert.ok(og['og:description']?.trim(), `og:description ${JSON.stringify(og['og:description'])}`);
      assert.ok(og['og:site_name']?.trim(), `og:site_name ${JSON.stringify(og['og:site_name'])}`);
      await assertQuietPage(v, url);
    } finally {
      await v.close();
    }
  });
});

describe('share page of a transcript full of script payloads', () => {
  // Every trace a payload would leave in the page, read with JavaScript in the page.
  const readTraces = (page) => page.evaluate((tags) => ({
    title: document.title,
    bodyXss: document.body.dataset.xss ?? null,
    bodyDisplay: getComputedStyle(document.body).display,
    cssVars: tags.filter((t) => getComputedStyle(document.documentElement).getPropertyValue(`--xss-${t}`) !== ''),
    injectedIds: [...document.querySelectorAll('[id^="xss-"]')].map((e) => e.id),
    frames: window.frames.length,
  }), TAGS);

  function assertNoTraces(traces, frames) {
    assert.ok(traces.title.includes(XSS.title), `document.title is ${JSON.stringify(traces.title)}`);
    assert.ok(!SIDE_EFFECT_TITLES.includes(traces.title), `a payload set document.title to ${traces.title}`);
    assert.equal(traces.bodyXss, null, 'a payload set data-xss on <body>');
    assert.notEqual(traces.bodyDisplay, 'none', 'an injected style hid the page');
    assert.deepEqual(traces.cssVars, [], 'injected styles applied');
    assert.deepEqual(traces.injectedIds, [], 'elements of the payloads are in the DOM');
    assert.equal(traces.frames, 0, 'the page has frames');
    assert.equal(frames, 1, 'the page has frames');
  }

  // No payload ran: no dialog, no request but the document, no uncaught error, no trace in the page.
  // `allowed` tells which console errors are acceptable.
  async function assertNothingRan(v, url, allowed) {
    await v.page.waitForLoadState('networkidle');
    assert.deepEqual(v.events.dialogs, [], 'a payload opened a dialog');
    assertOnlyDocumentRequested(v.events, url);
    assert.deepEqual(v.events.pageErrors, [], 'uncaught errors: script ran');
    assert.deepEqual(v.events.consoleErrors.filter((m) => !allowed(m)), [], 'console errors');
    assertNoTraces(await readTraces(v.page), v.page.frames().length);
  }

  test('runs no script (with the CSP enforced)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const url = shareUrl(taskIds.xss);
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 200);
      // Reports of blocked inline script would be acceptable here; any other console error is not.
      const cspReport = (m) => /Content Security Policy/i.test(m);
      await assertNothingRan(v, url, cspReport);
      await openAllDetails(v.page);
      await assertNothingRan(v, url, cspReport);
      // The links made of javascript: and data: URLs, clicked where they are shown (the page may make
      // them inert to the pointer) and activated as a keyboard user would.
      for (const name of ['click', 'caps', 'javascript:alert(1)', 'data']) {
        const link = v.page.getByRole('link', { name, exact: true }).first();
        await link.click({ force: true });
        await assertNothingRan(v, url, cspReport);
        await activateLink(v.page, link);
        await assertNothingRan(v, url, cspReport);
      }
      const violations = await cspViolations(v.page);
      if (violations.length > 0) t.diagnostic(`CSP violations: ${JSON.stringify(violations)}`);
    } finally {
      await v.close();
    }
  });

  test('runs no script even with the CSP bypassed: the payloads are escaped, not only blocked', { timeout: TEST_TIMEOUT_MS }, async () => {
    const url = shareUrl(taskIds.xss);
    const v = await visit(url, { bypassCSP: true });
    try {
      assert.equal(v.response.status(), 200);
      const dom = await v.page.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        embeds: [...document.querySelectorAll('iframe, frame, object, embed')].map((e) => e.outerHTML),
        handlers: [...document.querySelectorAll('*')].flatMap((e) =>
          [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `<${e.tagName.toLowerCase()} ${a.name}>`)),
        badUrls: [...document.querySelectorAll('[href], [src], [action], [formaction]')].flatMap((e) =>
          ['href', 'src', 'action', 'formaction'].flatMap((name) => {
            const value = (e.getAttribute(name) ?? '').replace(/[\u0000-\u0020]/g, '');
            const bad = name === 'src' ? /^(javascript|vbscript):/i : /^(javascript|vbscript|data):/i;
            return bad.test(value) ? [`<${e.tagName.toLowerCase()} ${name}="${value}">`] : [];
          })),
        injectedStyles: [...document.querySelectorAll('style')].filter((s) => s.textContent.includes('--xss-')).length,
      }));
      assert.equal(dom.scripts, 0, 'the page has <script> elements');
      assert.deepEqual(dom.embeds, [], 'the page has frames or embeds');
      assert.deepEqual(dom.handlers, [], 'elements carry event-handler attributes');
      assert.deepEqual(dom.badUrls, [], 'links or sources with javascript:, vbscript: or data: URLs');
      assert.equal(dom.injectedStyles, 0, 'an injected <style> is in the DOM');
      // Without the CSP the browser fetches /favicon.ico by itself, which the server does not have.
      const favicon = (m) => m.endsWith(`(${server.baseUrl}/favicon.ico)`);
      await assertNothingRan(v, url, favicon);
      await openAllDetails(v.page);
      await assertNothingRan(v, url, favicon);
    } finally {
      await v.close();
    }
  });

  test('shows the payloads as text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const url = shareUrl(taskIds.xss);
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 200);
      await openAllDetails(v.page);
      const text = await v.page.locator('body').innerText();
      const missing = [];
      // Tool inputs are objects, shown in whatever form the page gives JSON, so only the tool's output
      // (a string) and the markdown places are held to showing each payload exactly.
      for (const tag of ['user', 'md-inline', 'md-block', 'fence', 'tool-output']) {
        for (const payload of taggedPayloads(tag)) if (!text.includes(payload)) missing.push(`[${tag}] ${payload}`);
      }
      for (const payload of [...CLASSIC_PAYLOADS, XSS.toolCallName, XSS.toolResultName, '<script>alert(1)</script>']) {
        if (!text.includes(payload)) missing.push(payload);
      }
      assert.deepEqual(missing, [], `payloads not shown as text; the page's text is:\n${text}`);
      const path = await screenshot(v.page, 'share-page-xss.png');
      t.diagnostic(`screenshot: ${path}`);
    } finally {
      await v.close();
    }
  });
});

describe('share page errors', () => {
  test('a revoked link (task made private) answers the 403 page', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const url = shareUrl(taskIds.revoked);
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 200);
      assert.ok((await v.page.locator('body').innerText()).includes(REVOKED.assistant1));

      await server.api('PATCH', `/api/v1/tasks/${taskIds.revoked}`, {
        key: ownerKey, expect: 200, body: { visibility: 'private' },
      });
      v.events.requests.length = 0;
      const response = await v.page.reload({ waitUntil: 'networkidle' });
      assert.equal(response.status(), 403);
      const csp = assertSecurityHeaders(await response.allHeaders());
      const text = await v.page.locator('body').innerText();
      assert.match(text, /not shared/i, `the 403 page says: ${JSON.stringify(text)}`);
      const html = await v.page.content();
      for (const secret of [REVOKED.title, REVOKED.user1, REVOKED.assistant1]) {
        assert.ok(!html.includes(secret), `the 403 page still shows ${JSON.stringify(secret)}`);
      }
      await assertStyled(v.page, csp);
      await assertQuietPage(v, url);
      const path = await screenshot(v.page, 'share-page-403.png');
      t.diagnostic(`screenshot: ${path}`);
    } finally {
      await v.close();
    }
  });

  test('an unknown id answers the 404 page', { timeout: TEST_TIMEOUT_MS }, async () => {
    const url = shareUrl(randomUUID());
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 404);
      const csp = assertSecurityHeaders(v.headers);
      assert.match(await v.page.locator('body').innerText(), /not found/i);
      assert.ok((await v.page.title()).trim(), 'the 404 page has no title');
      await assertStyled(v.page, csp);
      await assertQuietPage(v, url);
    } finally {
      await v.close();
    }
  });

  test('a malformed id answers the 400 page', { timeout: TEST_TIMEOUT_MS }, async () => {
    const url = `${server.baseUrl}/share/not-a-task-id`;
    const v = await visit(url);
    try {
      assert.equal(v.response.status(), 400);
      const csp = assertSecurityHeaders(v.headers);
      assert.ok((await v.page.locator('body').innerText()).trim(), 'the 400 page shows no text');
      assert.ok((await v.page.title()).trim(), 'the 400 page has no title');
      await assertStyled(v.page, csp);
      await assertQuietPage(v, url);
    } finally {
      await v.close();
    }
  });
});
