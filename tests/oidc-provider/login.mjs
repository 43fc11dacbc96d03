// A scripted browser for provider.mjs's development login pages, for tests that need an authorization
// code without a real browser. Only node: built-ins are imported.
//
//   const location = await signInWithCode({ authorizationUrl, login: 'mate', caFile });
//
// GETs `authorizationUrl` and follows the provider's redirects within its own origin, keeping its
// cookies by hand (by name and path, as a browser would on one host), filling in the login form
// (login name, any password) and pressing "Continue" on the consent page. Returns the first
// redirect Location that leaves the provider's origin (the client's redirect_uri with code, state and
// iss, or with error=...) without following it. `caFile`: a PEM file of CAs to trust for https
// (provider.mjs --https prints it), instead of Node's. Throws on an HTTP error, a page it does not
// recognise, or more than `maxSteps` requests.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

// One request; resolves to { status, headers, body } without following redirects.
function send(url, { method = 'GET', headers = {}, body, ca }) {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

// Cookies of one host: name and path identify a cookie (RFC 6265, 5.3); the provider scopes its
// interaction cookies to /interaction/UID and /auth/UID.
class CookieJar {
  #cookies = [];

  store(setCookieHeaders = [], requestUrl) {
    for (const header of setCookieHeaders) {
      const [pair, ...attributes] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = requestUrl.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        const k = key.toLowerCase();
        if (k === 'path' && val.startsWith('/')) path = val;
        if (k === 'max-age' && Number(val) <= 0) expired = true;
        if (k === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      this.#cookies = this.#cookies.filter((c) => c.name !== name || c.path !== path);
      if (!expired) this.#cookies.push({ name, value, path });
    }
  }

  header(url) {
    const matches = (path) => url.pathname === path
      || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
    return this.#cookies.filter((c) => matches(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

function attribute(tag, name) {
  const m = tag.match(new RegExp(`\\b${name}="([^"]*)"`));
  return m ? m[1].replaceAll('&amp;', '&').replaceAll('&#x2F;', '/').replaceAll('&#39;', "'") : undefined;
}

// The provider's one form on a login or consent page: its action and its hidden "prompt".
function parseForm(html) {
  const form = html.match(/<form\b[^>]*>/);
  const prompt = html.match(/<input\b[^>]*name="prompt"[^>]*>/);
  if (!form || !prompt) return undefined;
  return { action: attribute(form[0], 'action'), prompt: attribute(prompt[0], 'value') };
}

export async function signInWithCode({
  authorizationUrl, login, password = 'any password', caFile, maxSteps = 12,
}) {
  const ca = caFile ? readFileSync(caFile) : undefined;
  const jar = new CookieJar();
  const origin = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let method = 'GET';
  let body;
  for (let step = 0; step < maxSteps; ++step) {
    const headers = { cookie: jar.header(url), accept: 'text/html' };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await send(url, { method, headers, body, ca });
    jar.store(res.headers['set-cookie'], url);
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const next = new URL(res.headers.location, url);
      if (next.origin !== origin) return next.href;
      [url, method, body] = [next, 'GET', undefined];
      continue;
    }
    const form = res.status === 200 ? parseForm(res.body) : undefined;
    if (!form) {
      const excerpt = res.body.slice(0, 500);
      throw new Error(`signInWithCode: ${method} ${url.pathname} answered ${res.status}: ${excerpt}`);
    }
    const fields = form.prompt === 'login' ? { prompt: 'login', login, password } : { prompt: form.prompt };
    [url, method, body] = [new URL(form.action, url), 'POST', new URLSearchParams(fields).toString()];
  }
  throw new Error(`signInWithCode: no redirect out of ${origin} after ${maxSteps} requests`);
}
