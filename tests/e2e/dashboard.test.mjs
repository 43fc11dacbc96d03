// The dashboard (docs/dashboard.md) against the real server and a real OpenID Connect provider: in
// Debian's headless Chromium, an owner signs in through the provider, shares a task from the dashboard
// (public, pinned, with an expiry), sees an anonymous reader get it, revokes it, signs out, and the link
// is refused; and, scripted, every form refused without its CSRF token or from another origin, with an
// ended session, by a user who does not own the task, and with nothing changed each time; no GET that
// changes anything; revoke-all's confirmation step; the key's rotation; secrets; the title search and
// its paging; "Shared with me" showing exactly what its reader may read, as they may see it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  ACTION_TIMEOUT_MS, SignInServer, TEST_TIMEOUT_MS, launchChromium, loginAtProvider,
} from './support/sign_in.mjs';

const MATE = 'mate@oidc.test';
const TEAMMATE = 'owner@example.com';
const OTHER_TEAM = 'blue@example.com';
const SUPPORT = 'admin@oidc.test';
const PINNED_TEXT = 'Pinned finding: the session cookie lacks Secure';
const LATER_TEXT = 'Later note, after the pin';

let harness;
let browser;

// Creates a task through the API as `email`; returns its id.
async function createTask(email, body) {
  const created = await harness.server.api('POST', '/api/v1/tasks', { key: harness.keys[email], expect: 202, body });
  return created.json.id;
}

async function shareSettings(email, id) {
  const res = await harness.server.api('GET', `/api/v1/tasks/${id}/share/settings`,
    { key: harness.keys[email], expect: 200 });
  return res.json.share;
}

async function anonymousStatus(id) {
  return (await harness.call(`/api/v1/tasks/${id}/share`)).status;
}

before(async () => {
  harness = await SignInServer.start([
    [MATE, '--team', 'red-team'], [TEAMMATE, '--team', 'red-team'], [OTHER_TEAM, '--team', 'blue-team'],
    [SUPPORT, '--role', 'support']], { secretsKey: true });
}, { timeout: TEST_TIMEOUT_MS });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (harness) await harness.stop();
});

describe('an owner in Chromium', () => {
  before(async () => { browser = await launchChromium(); }, { timeout: TEST_TIMEOUT_MS });

  test('shares a task from the dashboard, pins it, sets an expiry, revokes it and signs out', async () => {
    const id = await createTask(MATE, { title: 'Browser-shared audit', task: PINNED_TEXT, visibility: 'private' });
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    try {
      await page.goto(`${harness.baseUrl}/app`);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await loginAtProvider(page, 'mate');
      await page.waitForURL(`${harness.baseUrl}/app`);

      await page.getByRole('link', { name: 'Browser-shared audit' }).click();
      await page.waitForURL(`${harness.baseUrl}/app/tasks/${id}`);
      await page.getByLabel('Public: anyone, and search engines may list it').check();
      await page.getByLabel('Pinned: only the messages the task has when you save').check();
      await page.getByRole('combobox').selectOption('1d');
      await page.getByLabel("Show my email as the task's creator").check();
      await page.getByRole('button', { name: 'Share' }).click();
      await page.waitForURL(`${harness.baseUrl}/app/tasks/${id}`);
      const shown = await page.locator('main').innerText();
      assert.match(shown, /Pinned at\s+1 message\b/);
      assert.match(shown, /Expires/);
      const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
      assert.equal(link, `${harness.baseUrl}/share/${id}`);

      const settings = await shareSettings(MATE, id);
      assert.equal(settings.visibility, 'public');
      assert.equal(settings.mode, 'pinned');
      assert.equal(settings.show_creator, true);
      assert.equal(settings.redact, true);
      const expiresIn = Date.parse(settings.expires_at) - Date.now();
      assert.ok(expiresIn > 23 * 3600e3 && expiresIn <= 24 * 3600e3, settings.expires_at);

      // A message added after the pin stays out of the link.
      await harness.server.api('POST', `/api/v1/tasks/${id}/messages`, {
        key: harness.keys[MATE], expect: 200, body: { messages: [{ role: 'user', content: LATER_TEXT }] },
      });
      const anonymous = await harness.call(`/share/${id}`);
      assert.equal(anonymous.status, 200);
      assert.ok(anonymous.text.includes(PINNED_TEXT));
      assert.ok(!anonymous.text.includes(LATER_TEXT));
      assert.ok(anonymous.text.includes(MATE), 'show creator');

      await page.getByRole('button', { name: 'Revoke the link' }).click();
      await page.waitForURL(`${harness.baseUrl}/app/tasks/${id}`);
      assert.match(await page.locator('main').innerText(), /Not shared/);
      assert.equal(await anonymousStatus(id), 403);

      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(`${harness.baseUrl}/app`);
      assert.match(await page.locator('body').innerText(), /Not signed in/);
      const again = await page.goto(`${harness.baseUrl}/share/${id}`);
      assert.equal(again.status(), 403);
    } finally {
      await context.close();
    }
  }, { timeout: TEST_TIMEOUT_MS });
});

describe('the dashboard, scripted', () => {
  test('a form without its CSRF token, from another origin or with an ended session changes nothing', async () => {
    const id = await createTask(MATE, { title: 'Guarded', task: 'guarded text', visibility: 'private' });
    const session = await harness.session('mate');
    const csrf = await harness.csrfOf(session);
    const share = { visibility: 'public', mode: 'live', expires: 'never', redact: 'on' };
    const refusals = [
      harness.post(`/app/tasks/${id}/share`, session, share),
      harness.post(`/app/tasks/${id}/share`, session, { ...share, csrf: 'wrong' }),
      harness.post(`/app/tasks/${id}/share`, session, { ...share, csrf }, { origin: 'https://evil.example' }),
      harness.post(`/app/tasks/${id}/share`, session, { ...share, csrf }, { origin: '' }),
      harness.post(`/app/tasks/${id}/share`, '', { ...share, csrf }),
      harness.post(`/app/tasks/${id}/share`, `taskshare_session=${'A'.repeat(43)}`, { ...share, csrf }),
    ];
    for (const res of await Promise.all(refusals)) {
      assert.equal(res.status, 403, res.text.slice(0, 300));
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    assert.equal((await shareSettings(MATE, id)).visibility, 'private');
    assert.equal(await anonymousStatus(id), 403);

    // A Referer of this server stands in for a missing Origin; then the share is done.
    const viaReferer = await harness.call(`/app/tasks/${id}/share`, {
      method: 'POST', cookies: session,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: `${harness.baseUrl}/app/tasks/${id}` },
      body: new URLSearchParams({ ...share, csrf }).toString(),
    });
    assert.equal(viaReferer.status, 303, viaReferer.text.slice(0, 300));
    assert.equal(viaReferer.headers.get('location'), `/app/tasks/${id}`);
    assert.equal(await anonymousStatus(id), 200);

    // Signed out everywhere: the same form, token and all, is refused, and the link stays as it was.
    assert.equal((await harness.post('/auth/sign-out-everywhere', session, { csrf })).status, 303);
    const ended = await harness.post(`/app/tasks/${id}/revoke`, session, { csrf });
    assert.equal(ended.status, 403);
    assert.match(ended.text, /session has ended/);
    assert.equal(await anonymousStatus(id), 200);
  }, { timeout: TEST_TIMEOUT_MS });

  test('no GET changes anything, and every action is refused to a user who does not own the task', async () => {
    const id = await createTask(TEAMMATE, { title: 'Not mate\'s', task: 'teammate text', visibility: 'team' });
    const session = await harness.session('mate');
    const csrf = await harness.csrfOf(session);
    for (const path of [`/app/tasks/${id}/share`, `/app/tasks/${id}/revoke`, '/app/revoke-all', '/app/apikey/rotate',
      '/app/secrets', '/app/secrets/delete', '/auth/sign-out']) {
      const res = await harness.call(path, { cookies: session });
      assert.equal(res.status, 405, path);
      assert.equal(res.headers.get('allow'), 'POST', path);
    }
    assert.equal((await harness.call(`/app/tasks/${id}`, { cookies: session })).status, 403);
    const shared = await harness.post(`/app/tasks/${id}/share`, session,
      { csrf, visibility: 'public', mode: 'live', expires: 'never' });
    assert.equal(shared.status, 403);
    assert.match(shared.text, /owner/);
    assert.equal((await harness.post(`/app/tasks/${id}/revoke`, session, { csrf })).status, 403);
    assert.equal((await shareSettings(TEAMMATE, id)).visibility, 'team');
    const unknown = await harness.call('/app/tasks/00000000-0000-4000-8000-000000000000', { cookies: session });
    assert.equal(unknown.status, 404);
    assert.equal((await harness.call('/app/tasks/not-a-uuid', { cookies: session })).status, 400);
    // A session is no credential of the API, which takes API keys only.
    for (const path of ['/api/v1/tasks', `/api/v1/tasks/${id}`, '/api/v1/user/apikey', '/api/v1/secrets']) {
      assert.equal((await harness.call(path, { cookies: session })).status, 401, path);
    }
    const viaApi = await harness.call('/api/v1/shares/revoke-all', {
      method: 'POST', cookies: session, headers: { Origin: harness.baseUrl, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(viaApi.status, 401);
  }, { timeout: TEST_TIMEOUT_MS });

  test('settings the share API refuses are refused from the form too, as a page', async () => {
    const id = await createTask(MATE, { title: 'Strict', task: 'strict text', visibility: 'private' });
    const session = await harness.session('mate');
    const csrf = await harness.csrfOf(session);
    for (const fields of [{ visibility: 'team', mode: 'live' }, { visibility: 'public', mode: 'frozen' },
      { visibility: 'public', mode: 'live', expires: '2d' }, { mode: 'live' }]) {
      const res = await harness.post(`/app/tasks/${id}/share`, session, { csrf, ...fields });
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(res.headers.get('content-type'), /text\/html/);
    }
    assert.equal((await shareSettings(MATE, id)).visibility, 'private');
  }, { timeout: TEST_TIMEOUT_MS });

  test('revoke-all asks first, then revokes every link', async () => {
    const ids = [
      await createTask(MATE, { title: 'Bulk one', task: 'x', visibility: 'public' }),
      await createTask(MATE, { title: 'Bulk two', task: 'x', visibility: 'unlisted' }),
    ];
    const session = await harness.session('mate');
    const csrf = await harness.csrfOf(session);
    const asked = await harness.post('/app/revoke-all', session, { csrf });
    assert.equal(asked.status, 200);
    assert.match(asked.text, /Revoke all my links\?/);
    assert.match(asked.text, /name="confirm" value="yes"/);
    for (const id of ids) assert.equal(await anonymousStatus(id), 200, 'nothing revoked before the confirmation');
    const done = await harness.post('/app/revoke-all', session, { csrf, confirm: 'yes' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), '/app');
    for (const id of ids) assert.equal(await anonymousStatus(id), 403);
  }, { timeout: TEST_TIMEOUT_MS });

  test('My tasks finds titles and pages through them', async () => {
    const session = await harness.session('mate');
    const made = [];
    for (let i = 0; i < 23; i += 1) {
      made.push(await createTask(MATE, { title: `Needle %_ scan ${i}`, task: 'x', visibility: 'private' }));
    }
    await createTask(MATE, { title: 'Haystack', task: 'x', visibility: 'private' });
    const ids = (html) => [...html.matchAll(/href="\/app\/tasks\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const first = await harness.call(`/app?q=${encodeURIComponent('NEEDLE %_')}`, { cookies: session });
    assert.equal(first.status, 200);
    assert.deepEqual(ids(first.text), made.slice(3).reverse());
    const older = /href="(\/app\?cursor=[^"]+)">Older tasks/.exec(first.text);
    assert.ok(older, 'a link to the older tasks');
    const second = await harness.call(older[1].replaceAll('&amp;', '&'), { cookies: session });
    assert.deepEqual(ids(second.text), made.slice(0, 3).reverse());
    assert.ok(!/Older tasks/.test(second.text));
    const none = await harness.call(`/app?q=${encodeURIComponent('needle _%')}`, { cookies: session });
    assert.deepEqual(ids(none.text), []);
    const hostile = await harness.call(`/app?q=${encodeURIComponent('"><script>alert(1)</script>')}`,
      { cookies: session });
    assert.equal(hostile.status, 200);
    assert.ok(!hostile.text.includes('<script>alert(1)'));
    assert.equal((await harness.call('/app?cursor=forged', { cookies: session })).status, 400);
  }, { timeout: TEST_TIMEOUT_MS });

  test('Shared with me lists what its reader may read, as the reader may see it', async () => {
    const team = await createTask(TEAMMATE, { title: 'Red team sweep', task: 'x', visibility: 'team' });
    const creditedBody = { title: 'Red team credited', task: 'x', visibility: 'team' };
    const credited = await createTask(TEAMMATE, creditedBody);
    await harness.server.api('PUT', `/api/v1/tasks/${credited}/share`, {
      key: harness.keys[TEAMMATE], expect: 200, body: { visibility: 'unlisted', show_creator: true },
    });
    const support = await createTask(TEAMMATE, { title: 'Needs support', task: 'x', visibility: 'support' });
    const blue = await createTask(OTHER_TEAM, { title: 'Blue team only', task: 'x', visibility: 'team' });
    const hidden = await createTask(TEAMMATE, { title: 'Teammate private', task: 'x', visibility: 'private' });
    const own = await createTask(MATE, { title: 'Mate own team task', task: 'x', visibility: 'team' });

    const mate = await harness.call('/app/shared', { cookies: await harness.session('mate') });
    assert.equal(mate.status, 200);
    const listed = (html) => [...html.matchAll(/href="\/share\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const mateSees = listed(mate.text);
    assert.ok(mateSees.includes(team));
    for (const id of [support, blue, hidden, own, credited]) assert.ok(!mateSees.includes(id), id);
    assert.ok(!mate.text.includes(TEAMMATE), "the owner's email shows only with show creator");

    // The admin account signs in as a support user here (its role as stored).
    const supportUser = await harness.call('/app/shared', { cookies: await harness.session('admin') });
    const supportSees = listed(supportUser.text);
    assert.ok(supportSees.includes(support));
    for (const id of [team, blue, hidden]) assert.ok(!supportSees.includes(id), id);
    assert.equal((await harness.call('/app/shared')).status, 303, 'signed out: sent to sign in');
  }, { timeout: 2 * TEST_TIMEOUT_MS });

  test('the API key rotates from the dashboard and the new one is shown once', async () => {
    const oldKey = harness.keys[MATE];
    const session = await harness.session('mate');
    const csrf = await harness.csrfOf(session);
    const account = await harness.call('/app/account', { cookies: session });
    assert.ok(account.text.includes(oldKey.slice(0, 12)), 'the key is known by its first characters');
    assert.ok(!account.text.includes(oldKey), 'never the whole key');
    const rotated = await harness.post('/app/apikey/rotate', session, { csrf });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.headers.get('cache-control'), 'no-store');
    const newKey = /aria-label="API key" value="([^"]+)"/.exec(rotated.text)[1];
    assert.notEqual(newKey, oldKey);
    assert.equal((await harness.server.api('GET', '/api/v1/user/apikey', { key: oldKey })).status, 401);
    assert.equal((await harness.server.api('GET', '/api/v1/user/apikey', { key: newKey })).status, 200);
    harness.keys[MATE] = newKey;
    assert.ok(!(await harness.call('/app/account', { cookies: session })).text.includes(newKey));
  }, { timeout: TEST_TIMEOUT_MS });

  test('secrets are added and deleted from the dashboard, their values never shown', async () => {
    const session = await harness.session('mate');
    const csrf = await harness.csrfOf(session);
    const value = 'hunter2-dashboard-secret-value';
    const id = await createTask(MATE, {
      title: 'Uses a secret', task: `the token is ${value}`, visibility: 'unlisted', secrets: ['DASH_TOKEN'],
    });
    const added = await harness.post('/app/secrets', session, { csrf, name: 'DASH_TOKEN', value });
    assert.equal(added.status, 303, added.text.slice(0, 300));
    assert.equal(added.headers.get('location'), '/app/account');
    const account = await harness.call('/app/account', { cookies: session });
    assert.match(account.text, /DASH_TOKEN/);
    assert.ok(!account.text.includes(value));
    const shared = await harness.call(`/api/v1/tasks/${id}/share`);
    assert.equal(shared.status, 200);
    assert.ok(!shared.text.includes(value), 'the new secret is redacted from the link at once');

    const badName = await harness.post('/app/secrets', session, { csrf, name: 'no spaces allowed', value });
    assert.equal(badName.status, 400);
    const deleted = await harness.post('/app/secrets/delete', session, { csrf, name: 'DASH_TOKEN' });
    assert.equal(deleted.status, 303);
    assert.ok(!(await harness.call('/app/account', { cookies: session })).text.includes('DASH_TOKEN'));
    const again = await harness.post('/app/secrets/delete', session, { csrf, name: 'DASH_TOKEN' });
    assert.equal(again.status, 404);
    assert.match(again.text, /Secret not found/);
  }, { timeout: TEST_TIMEOUT_MS });
});
