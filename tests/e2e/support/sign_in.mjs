// A server with sign-in through a real OpenID Connect provider (tests/oidc-provider: panva's
// oidc-provider on loopback, with its development login pages), and a scripted browser for it: one
// request at a time without following redirects (fetch), cookies handled by hand, and the provider's
// pages walked by login.mjs. For the sign-in and dashboard suites.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { signInWithCode } from '../../oidc-provider/login.mjs';
import { Server, sourceDir } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const ACTION_TIMEOUT_MS = 15_000;
export const TEST_TIMEOUT_MS = 60_000;
const CLIENT_ID = 'taskshare';
const CLIENT_SECRET = 'e2e-client-secret-5d1f0c';

// A free loopback port, for the server's --listen: the provider must know the redirect URI first.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts tests/oidc-provider/provider.mjs; resolves to the child and its issuer URL.
function startProvider(redirectUri) {
  const script = join(sourceDir, 'tests', 'oidc-provider', 'provider.mjs');
  const child = spawn(process.execPath, [script, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET,
    '--redirect-uri', redirectUri], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.once('exit', () => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => { err = (err + chunk).slice(-10_000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the provider did not start:\n${err}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^issuer (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, issuer: m[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the provider exited (${code}):\n${err}`));
    });
  });
}

// name=value of each Set-Cookie of `res`, by name.
export function setCookies(res) {
  const out = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = { value: pair.slice(eq + 1), line };
  }
  return out;
}

export function sessionCookieOf(res) {
  const session = setCookies(res).taskshare_session;
  assert.ok(session, `a session cookie is set (${res.status}: ${res.text.slice(0, 200)})`);
  return `taskshare_session=${session.value}`;
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// In a browser on the provider's login page: signs in as `login` (any password) and consents, which
// sends the browser back to the server.
export async function loginAtProvider(page, login) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

// The provider and a server that signs in through it. `users` are [email, ...`user add` flags]; their
// API keys come back in `keys`, by email. With `secretsKey`, the server has a secrets key; `args` are
// more flags for `serve`.
export class SignInServer {
  static async start(users, { secretsKey = false, args = [] } = {}) {
    const self = new SignInServer();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const provider = await startProvider(`${base}/auth/callback`);
    self.provider = provider.child;
    self.issuer = provider.issuer;
    self.server = await Server.create();
    self.keys = {};
    for (const [email, ...flags] of users) self.keys[email] = await self.server.addUser(email, ...flags);
    const secretFile = join(self.server.dir, 'oidc-client-secret');
    await writeFile(secretFile, CLIENT_SECRET, { mode: 0o600 });
    await chmod(secretFile, 0o600);
    const extraArgs = [...args];
    if (secretsKey) {
      const keyFile = join(self.server.dir, 'secrets.key');
      await writeFile(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
      await chmod(keyFile, 0o600);
      extraArgs.push('--secrets-key-file', keyFile);
    }
    await self.server.start('--listen', `127.0.0.1:${port}`, '--oidc-issuer', self.issuer, '--oidc-client-id',
      CLIENT_ID, '--oidc-client-secret-file', secretFile, ...extraArgs);
    return self;
  }

  get baseUrl() { return this.server.baseUrl; }

  async stop() {
    if (this.server) await this.server.stop();
    this.provider?.kill('SIGTERM');
  }

  // One request without following redirects; `cookies` is sent as the Cookie header.
  async call(path, { method = 'GET', cookies = '', headers = {}, body } = {}) {
    const res = await fetch(this.baseUrl + path, {
      method,
      redirect: 'manual',
      headers: { ...(cookies ? { Cookie: cookies } : {}), ...headers },
      body,
      signal: AbortSignal.timeout(ACTION_TIMEOUT_MS),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  // A form post from this server's own page: its Origin, the session's cookie and `fields`.
  async post(path, cookies, fields, { origin = this.baseUrl } = {}) {
    return this.call(path, {
      method: 'POST',
      cookies,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(origin ? { Origin: origin } : {}) },
      body: new URLSearchParams(fields).toString(),
    });
  }

  // Starts a sign-in for `returnTo` as the browser would: the redirect to the provider and the state
  // cookie it sets.
  async startSignIn(returnTo) {
    const res = await this.call(`/auth/sign-in?return=${encodeURIComponent(returnTo)}`);
    assert.equal(res.status, 303, res.text);
    const state = setCookies(res).taskshare_sign_in;
    assert.ok(state, 'the sign-in sets its state cookie');
    return { authorizationUrl: res.headers.get('location'), stateCookie: `taskshare_sign_in=${state.value}` };
  }

  // A whole sign-in as `login`: returns the callback's answer and the cookies sent to it.
  // `tamper(searchParams)` may change the provider's answer before the browser brings it back.
  async signIn(login, { returnTo = '/app', extraCookies = '', tamper } = {}) {
    const { authorizationUrl, stateCookie } = await this.startSignIn(returnTo);
    const location = await signInWithCode({ authorizationUrl, login });
    const callback = new URL(location);
    assert.equal(callback.origin, this.baseUrl);
    if (tamper) tamper(callback.searchParams);
    const cookies = [stateCookie, extraCookies].filter(Boolean).join('; ');
    const res = await this.call(callback.pathname + callback.search, { cookies });
    return { res, path: callback.pathname + callback.search, cookies };
  }

  // A signed-in session's cookie for `login`.
  async session(login) {
    return sessionCookieOf((await this.signIn(login)).res);
  }

  // The session's CSRF token, as the signed-in pages' forms carry it.
  async csrfOf(sessionCookie) {
    const app = await this.call('/app', { cookies: sessionCookie });
    const m = /name="csrf" value="([^"]+)"/.exec(app.text);
    assert.ok(m, 'the signed-in home carries the CSRF token');
    return m[1];
  }
}
