// Signing in through a real OpenID Connect provider (tests/oidc-provider: panva's oidc-provider on
// loopback, with its development login pages) against the real server: in Debian's headless Chromium,
// a teammate opens a team link by signing in from its "Sign in to view" page and signs out again; and,
// with a scripted client (fetch, and login.mjs for the provider's pages), every hostile case of
// docs/sign-in.md: a state this browser did not start, a replayed callback, return paths to other
// sites, a planted session, CSRF without the token or from another origin, an unverified email, an
// unknown email, a forged or ended session cookie, the cookies' flags, and an answer that names another
// issuer (RFC 9207); and the session column of the authorization matrix: each kind of user, signed in,
// reading each visibility's link.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  ACTION_TIMEOUT_MS, SignInServer, TEST_TIMEOUT_MS, launchChromium, loginAtProvider, sessionCookieOf,
  setCookies,
} from './support/sign_in.mjs';

const TEAM_TEXT = 'Team-only finding: the staging admin panel is reachable';

let harness;
let server;
let teamTask;
let browser;

const call = (...args) => harness.call(...args);
const signIn = (...args) => harness.signIn(...args);
const csrfOf = (...args) => harness.csrfOf(...args);

before(async () => {
  harness = await SignInServer.start([
    ['owner@example.com', '--team', 'red-team'], ['mate@oidc.test', '--team', 'red-team'],
    ['unverified@oidc.test', '--team', 'red-team'], ['owner@oidc.test', '--team', 'red-team'],
    ['outsider@oidc.test', '--team', 'blue-team'], ['helper@oidc.test', '--team', 'green-team', '--role', 'support'],
    ['admin@oidc.test', '--team', 'gold-team', '--role', 'admin'], ['loner@oidc.test']]);
  server = harness.server;
  const created = await server.api('POST', '/api/v1/tasks', {
    key: harness.keys['owner@example.com'], expect: 202,
    body: { title: 'Staging review', task: TEAM_TEXT, visibility: 'team' },
  });
  teamTask = created.json.id;
}, { timeout: TEST_TIMEOUT_MS });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (harness) await harness.stop();
});

describe('a teammate in Chromium', () => {
  before(async () => {
    browser = await launchChromium();
  }, { timeout: TEST_TIMEOUT_MS });

  test('is sent to sign in by a team link, comes back to it signed in, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    try {
      const link = `${server.baseUrl}/share/${teamTask}`;
      const refused = await page.goto(link);
      assert.equal(refused.status(), 403);
      assert.equal(await page.locator('body').innerText().then((t) => t.includes(TEAM_TEXT)), false);
      await page.getByRole('link', { name: 'Sign in to view' }).click();
      await loginAtProvider(page, 'mate');
      await page.waitForURL(link);
      assert.match(await page.locator('body').innerText(), new RegExp(TEAM_TEXT));
      const cookies = await context.cookies(server.baseUrl);
      const session = cookies.find((c) => c.name === 'taskshare_session');
      assert.ok(session, 'signed in');
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Lax');

      await page.goto(`${server.baseUrl}/app`);
      assert.match(await page.locator('body').innerText(), /signed in as mate@oidc\.test/i);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(`${server.baseUrl}/app`);
      assert.match(await page.locator('body').innerText(), /Not signed in/);
      const again = await page.goto(link);
      assert.equal(again.status(), 403);
    } finally {
      await context.close();
    }
  }, { timeout: TEST_TIMEOUT_MS });
});

describe('hostile sign-ins, scripted', () => {
  test('a signed-in teammate reads a team link privately, never from the shared cache', async () => {
    const { res } = await signIn('mate', { returnTo: `/share/${teamTask}` });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.get('location'), `/share/${teamTask}`);
    const session = sessionCookieOf(res);
    const line = setCookies(res).taskshare_session.line;
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; SameSite=Lax/);
    assert.match(line, /; Path=\//);
    const page = await call(`/share/${teamTask}`, { cookies: session });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'private, no-store');
    assert.ok(page.text.includes(TEAM_TEXT));
    const anonymous = await call(`/share/${teamTask}`);
    assert.equal(anonymous.status, 403);
    assert.ok(!anonymous.text.includes(TEAM_TEXT));
    assert.ok(anonymous.text.includes('/auth/sign-in?return=%2Fshare%2F'), 'the 403 page offers to sign in');
  }, { timeout: TEST_TIMEOUT_MS });

  test('a state this browser did not start, and a replayed callback, are refused', async () => {
    const forged = await call('/auth/callback?code=abc&state=forged', { cookies: 'taskshare_sign_in=other' });
    assert.equal(forged.status, 400);
    assert.equal(setCookies(forged).taskshare_session, undefined);
    const noCookie = await call('/auth/callback?code=abc&state=forged');
    assert.equal(noCookie.status, 400);

    const { res, path, cookies } = await signIn('mate');
    assert.equal(res.status, 303, res.text);
    const replayed = await call(path, { cookies });
    assert.equal(replayed.status, 400);
    assert.match(replayed.text, /expired or was already used/);
    assert.equal(setCookies(replayed).taskshare_session, undefined);
  }, { timeout: TEST_TIMEOUT_MS });

  test('an answer that names another issuer, or none, is refused before its code is redeemed', async () => {
    const { res: named } = await signIn('mate');
    assert.equal(named.status, 303, 'the provider names itself (RFC 9207), and that is accepted');
    const { issuer } = harness;
    for (const tamper of [(p) => p.set('iss', 'https://evil.example'), (p) => p.set('iss', `${issuer}/`),
      (p) => p.delete('iss')]) {
      const { res, path, cookies } = await signIn('mate', { tamper });
      assert.equal(res.status, 403, res.text);
      assert.match(res.text, /could not be verified/);
      assert.equal(setCookies(res).taskshare_session, undefined);
      // The attempt is spent: the same answer with the true issuer does not sign in either.
      const honest = new URL(path, harness.baseUrl);
      honest.searchParams.set('iss', issuer);
      const again = await call(honest.pathname + honest.search, { cookies });
      assert.equal(again.status, 400, again.text);
    }
  }, { timeout: 2 * TEST_TIMEOUT_MS });

  test('a sign-in returns only to a path on this server', async () => {
    for (const target of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const { res } = await signIn('mate', { returnTo: target });
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.get('location'), '/app', target);
    }
  }, { timeout: 2 * TEST_TIMEOUT_MS });

  test('a session the browser brings to a sign-in is replaced, and ends', async () => {
    const first = sessionCookieOf((await signIn('mate')).res);
    const { res } = await signIn('mate', { extraCookies: first });
    const second = sessionCookieOf(res);
    assert.notEqual(second, first);
    assert.match((await call('/app', { cookies: second })).text, /signed in as/i);
    assert.match((await call('/app', { cookies: first })).text, /Not signed in/);
    // A planted id that was never a session changes nothing either.
    const planted = await signIn('mate', { extraCookies: 'taskshare_session=planted-by-an-attacker' });
    assert.notEqual(sessionCookieOf(planted.res), 'taskshare_session=planted-by-an-attacker');
  }, { timeout: 2 * TEST_TIMEOUT_MS });

  test('signing out needs the session CSRF token and this site as its origin', async () => {
    const session = sessionCookieOf((await signIn('mate')).res);
    const csrf = await csrfOf(session);
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const refusedCases = [
      { headers: { ...form, Origin: server.baseUrl }, body: '' },
      { headers: { ...form, Origin: server.baseUrl }, body: 'csrf=wrong' },
      { headers: { ...form, Origin: 'https://evil.example' }, body: `csrf=${csrf}` },
      { headers: { ...form }, body: `csrf=${csrf}` },
    ];
    for (const c of refusedCases) {
      const res = await call('/auth/sign-out', { method: 'POST', cookies: session, ...c });
      assert.equal(res.status, 403, JSON.stringify(c.headers));
    }
    assert.match((await call('/app', { cookies: session })).text, /signed in as/i);
    assert.equal((await call('/auth/sign-out', { cookies: session })).status, 405, 'no GET signs out');
    const out = await call('/auth/sign-out', {
      method: 'POST', cookies: session, headers: { ...form, Origin: server.baseUrl }, body: `csrf=${csrf}`,
    });
    assert.equal(out.status, 303);
    assert.match(setCookies(out).taskshare_session.line, /Max-Age=0/);
    assert.match((await call('/app', { cookies: session })).text, /Not signed in/);
  }, { timeout: TEST_TIMEOUT_MS });

  test('signing out everywhere ends every session of the user', async () => {
    const a = sessionCookieOf((await signIn('mate')).res);
    const b = sessionCookieOf((await signIn('mate')).res);
    const out = await call('/auth/sign-out-everywhere', {
      method: 'POST', cookies: a, body: `csrf=${await csrfOf(a)}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: `${server.baseUrl}/app` },
    });
    assert.equal(out.status, 303);
    assert.match((await call('/app', { cookies: b })).text, /Not signed in/);
    assert.equal((await call(`/share/${teamTask}`, { cookies: b })).status, 403);
  }, { timeout: TEST_TIMEOUT_MS });

  test('an unverified email, and an email no user has, do not sign in', async () => {
    const unverified = (await signIn('unverified')).res;
    assert.equal(unverified.status, 403);
    assert.equal(setCookies(unverified).taskshare_session, undefined);
    const stranger = (await signIn('stranger')).res;
    assert.equal(stranger.status, 403);
    assert.match(stranger.text, /no account/i);
    assert.equal(setCookies(stranger).taskshare_session, undefined);
  }, { timeout: TEST_TIMEOUT_MS });

  test('a forged session cookie reads as anonymous', async () => {
    const forged = `taskshare_session=${'A'.repeat(43)}`;
    const res = await call(`/share/${teamTask}`, { cookies: forged });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
  }, { timeout: TEST_TIMEOUT_MS });
});

// The session column of the authorization matrix (tests/integration/auth_test.cc has the API-key
// one): each kind of user signed in through the provider, reading each visibility's link on the page,
// through the JSON share endpoint and through the owner API with nothing but the cookie.
describe('signed in as each kind of user', () => {
  const KEY = 'AKIAIOSFODNN7EXAMPLE';
  // Who opens the page of a link of each visibility; everyone else gets a 403 page.
  const OPENS = {
    public: ['anonymous', 'owner', 'mate', 'outsider', 'helper', 'admin', 'loner'],
    unlisted: ['anonymous', 'owner', 'mate', 'outsider', 'helper', 'admin', 'loner'],
    team: ['owner', 'mate'],
    support: ['owner', 'helper', 'admin'],
    private: ['owner'],
  };

  test('opens on the page exactly the links the visibility table allows, and only the owner sees the original', async () => {
    const ownerKey = harness.keys['owner@oidc.test'];
    const ids = {};
    for (const visibility of Object.keys(OPENS)) {
      const created = await server.api('POST', '/api/v1/tasks', {
        key: ownerKey, expect: 202, body: { title: 'Matrix', task: `key ${KEY} found`, visibility },
      });
      ids[visibility] = created.json.id;
    }
    const cookies = { anonymous: '' };
    for (const login of ['owner', 'mate', 'outsider', 'helper', 'admin', 'loner']) {
      cookies[login] = sessionCookieOf((await signIn(login)).res);
    }
    for (const [visibility, id] of Object.entries(ids)) {
      const anonymousShare = await call(`/api/v1/tasks/${id}/share`);
      for (const [caller, cookie] of Object.entries(cookies)) {
        const what = `${caller} reading a ${visibility} link`;
        const page = await call(`/share/${id}`, { cookies: cookie });
        if (OPENS[visibility].includes(caller)) {
          assert.equal(page.status, 200, what);
          assert.ok(page.text.includes(' found'), what);
          assert.equal(page.text.includes(KEY), caller === 'owner', `${what}: the original is the owner's alone`);
        } else {
          assert.equal(page.status, 403, what);
          assert.ok(!page.text.includes(' found'), what);
        }
        if (caller !== 'anonymous') {
          assert.equal(page.headers.get('cache-control'), 'private, no-store', what);
          // The JSON share endpoint stays anonymous: a cookie changes nothing there.
          const share = await call(`/api/v1/tasks/${id}/share`, { cookies: cookie });
          assert.equal(share.status, anonymousShare.status, what);
          assert.ok(!share.text.includes(KEY), what);
          // And a session is no API credential.
          assert.equal((await call(`/api/v1/tasks/${id}`, { cookies: cookie })).status, 401, what);
        }
      }
    }
    // A cookie that outlived its session (signed out; stolen before, replayed after) is anonymous.
    const stolen = cookies.mate;
    const out = await harness.post('/auth/sign-out', stolen, { csrf: await csrfOf(stolen) });
    assert.equal(out.status, 303);
    const replayed = await call(`/share/${ids.team}`, { cookies: stolen });
    assert.equal(replayed.status, 403);
    assert.match(replayed.text, /This task is not shared/);
  }, { timeout: 4 * TEST_TIMEOUT_MS });

  test('a session unused for longer than its idle time reads as anonymous; each use moves it on', async () => {
    // The server's clock read from a file (tests only): the system time until the file is written.
    const clockDir = await mkdtemp(join(tmpdir(), 'taskshare-clock-'));
    const clockFile = join(clockDir, 'clock');
    const clocked = await SignInServer.start([['owner@example.com', '--team', 'red-team'],
      ['mate@oidc.test', '--team', 'red-team']], { args: ['--clock-file', clockFile, '--session-idle-minutes', '60'] });
    try {
      const setClock = (minutes) => writeFile(clockFile, new Date(Date.now() + minutes * 60_000).toISOString());
      const created = await clocked.server.api('POST', '/api/v1/tasks', {
        key: clocked.keys['owner@example.com'], expect: 202,
        body: { title: 'Idle', task: TEAM_TEXT, visibility: 'team' },
      });
      const page = `/share/${created.json.id}`;
      const cookie = sessionCookieOf((await clocked.signIn('mate')).res);
      await setClock(50);  // used within the hour: open, and the idle expiry moves to 110 min
      assert.equal((await clocked.call(page, { cookies: cookie })).status, 200);
      await setClock(100);
      assert.equal((await clocked.call(page, { cookies: cookie })).status, 200);
      await setClock(161);  // 61 minutes after its last use
      const expired = await clocked.call(page, { cookies: cookie });
      assert.equal(expired.status, 403);
      assert.match(expired.text, /This task is not shared/);
      assert.equal(expired.headers.get('cache-control'), 'private, no-store');
      assert.match((await clocked.call('/app', { cookies: cookie })).text, /Not signed in/);
    } finally {
      await clocked.stop();
      await rm(clockDir, { recursive: true, force: true });
    }
  }, { timeout: 2 * TEST_TIMEOUT_MS });
});

describe('starting sign-ins', () => {
  test('is held to the rate limit of anonymous requests, and refused as a page with Retry-After', async () => {
    const limited = await SignInServer.start([], { args: ['--rate-limit', '0.01', '--rate-burst', '3'] });
    try {
      for (let i = 0; i < 3; i += 1) assert.equal((await limited.call('/auth/sign-in')).status, 303);
      const refused = await limited.call('/auth/sign-in');
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('content-type'), /text\/html/);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(refused.headers.get('set-cookie'), null, 'no attempt was started');
      // The dashboard is not limited.
      assert.equal((await limited.call('/app')).status, 200);
    } finally {
      await limited.stop();
    }
  }, { timeout: TEST_TIMEOUT_MS });
});
