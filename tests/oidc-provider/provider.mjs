// A real OpenID Connect provider on loopback for taskshare's sign-in tests: panva's oidc-provider
// (OpenID-certified; pinned in package-lock.json, installed by `npm ci` in this folder) with one
// confidential client, four test accounts and the provider's built-in development login pages.
//
//   node provider.mjs --client-id ID --client-secret S --redirect-uri URI
//                     [--https [--wrong-name]] [--dir DIR] [--port 0] [--client-auth basic|post]
//                     [--late-signing-key]
//
// Listens on 127.0.0.1 (port 0: any free port) and prints on stdout, once listening:
//   ca <path>       with --https only, first: the PEM of a throwaway CA that signed the server's
//                   certificate (for DNS:localhost and IP:127.0.0.1; with --wrong-name for
//                   DNS:other.test only, so that clients trusting the CA fail host-name verification)
//   issuer <URL>    http://127.0.0.1:PORT, or with --https https://localhost:PORT
// The CA, its key and the server's key are made with the `openssl` command line in DIR (which the
// caller removes), or in a temporary folder removed when this process exits on SIGTERM or SIGINT.
//
// The client: client_id/secret as given, the one redirect URI, grant authorization_code, response
// type code, PKCE required (S256 only), authenticated at the token endpoint with client_secret_basic
// (--client-auth post: client_secret_post, and discovery then lists only that method). ID tokens are
// signed RS256 with the first of two keys made at start (RS256 "rsa-1", ES256 "ec-1"; both in the JWKS)
// and carry the account's claims for the scopes granted (conformIdTokenClaims off): "email" gives
// email and email_verified, "profile" name, preferred_username and groups.
//
// Every GET of the JWKS is logged on stderr as "jwks served N". With --late-signing-key the first
// one leaves out the signing key "rsa-1", as if the provider had rotated to it just after a client
// fetched its keys: the client's first tokens name a key it does not hold until it fetches again.
//
// Accounts, found by the login name typed in the form (any password): mate, admin, unverified,
// stranger, owner, outsider, helper, loner (see ACCOUNTS). The login form (POST /interaction/UID with prompt=login, login, password)
// and the consent page (prompt=consent, "Continue") are the provider's devInteractions, usable by a
// browser and by login.mjs's scripted client alike; a login name that is no account ends in the
// provider's error page (500). Endpoints: /auth, /token, /jwks, /me, /interaction/UID; discovery at
// /.well-known/openid-configuration. The provider writes its endpoint URLs from the request's Host:
// reached as https://127.0.0.1:PORT, the discovery document names endpoints on 127.0.0.1 while its
// issuer stays https://localhost:PORT.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

let Provider;
try {
  ({ default: Provider } = await import('oidc-provider'));
} catch (e) {
  const here = new URL('.', import.meta.url).pathname;
  process.stderr.write(`provider.mjs: cannot load oidc-provider (${e.code ?? e.message}); ` +
    `run \`npm ci\` in ${here}\n`);
  process.exit(2);
}

const ACCOUNTS = {
  mate: { email: 'mate@oidc.test', email_verified: true, name: 'Mate', groups: ['red-team'] },
  admin: { email: 'admin@oidc.test', email_verified: true, name: 'Admin', groups: ['taskshare-admins'] },
  unverified: { email: 'unverified@oidc.test', email_verified: false, name: 'Unverified', groups: [] },
  stranger: { email: 'stranger@oidc.test', email_verified: true, name: 'Stranger', groups: [] },
  // One more of each kind of user, for the session column of the e2e authorization matrix.
  owner: { email: 'owner@oidc.test', email_verified: true, name: 'Owner', groups: [] },
  outsider: { email: 'outsider@oidc.test', email_verified: true, name: 'Outsider', groups: [] },
  helper: { email: 'helper@oidc.test', email_verified: true, name: 'Helper', groups: [] },
  loner: { email: 'loner@oidc.test', email_verified: true, name: 'Loner', groups: [] },
};

const { values: opts } = parseArgs({
  options: {
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    'client-auth': { type: 'string', default: 'basic' },
    https: { type: 'boolean', default: false },
    'wrong-name': { type: 'boolean', default: false },
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    'late-signing-key': { type: 'boolean', default: false },
  },
  strict: true,
});
for (const name of ['client-id', 'client-secret', 'redirect-uri']) {
  if (!opts[name]) {
    process.stderr.write(`provider.mjs: --${name} is required\n`);
    process.exit(2);
  }
}
if (!['basic', 'post'].includes(opts['client-auth'])) {
  process.stderr.write('provider.mjs: --client-auth is basic or post\n');
  process.exit(2);
}
const authMethod = `client_secret_${opts['client-auth']}`;

// Where the certificates go; a folder of our own is removed on the way out.
let dir = opts.dir;
if (opts.https && !dir) {
  dir = mkdtempSync(join(tmpdir(), 'oidc-provider-'));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', cleanUp);
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
} else if (dir) {
  mkdirSync(dir, { recursive: true });
}

function openssl(args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

// A CA and a leaf signed by it, both P-256 and valid for a day.
function makeCertificates(names) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1',
    '-subj', '/CN=taskshare test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=taskshare test server']);
  writeFileSync(join(dir, 'leaf.ext'), `subjectAltName=${names}\nbasicConstraints=critical,CA:FALSE\n` +
    'keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'leaf.pem', '-days', '1', '-extfile', 'leaf.ext']);
  return {
    ca: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'leaf.key')),
    cert: readFileSync(join(dir, 'leaf.pem')),
  };
}

function signingKey(type, options, kid, alg) {
  const { privateKey, publicKey } = generateKeyPairSync(type, options);
  const attributes = { kid, alg, use: 'sig' };
  return {
    private: { ...privateKey.export({ format: 'jwk' }), ...attributes },
    public: { ...publicKey.export({ format: 'jwk' }), ...attributes },
  };
}
const keys = [
  signingKey('rsa', { modulusLength: 2048 }, 'rsa-1', 'RS256'),
  signingKey('ec', { namedCurve: 'P-256' }, 'ec-1', 'ES256'),
];

async function findAccount(ctx, id) {
  const account = Object.hasOwn(ACCOUNTS, id) ? ACCOUNTS[id] : undefined;
  if (!account) return undefined;
  return {
    accountId: id,
    async claims() {
      return { sub: id, preferred_username: id, ...account };
    },
  };
}

let tls;
if (opts.https) {
  tls = makeCertificates(opts['wrong-name'] ? 'DNS:other.test' : 'DNS:localhost,IP:127.0.0.1');
}
// The issuer names the port, so the server listens before the provider exists.
const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }) : createHttpServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(opts.port), '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: opts['client-id'],
    client_secret: opts['client-secret'],
    redirect_uris: [opts['redirect-uri']],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
  }],
  ...(authMethod === 'client_secret_post' ? { clientAuthMethods: [authMethod] } : {}),
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'groups'],
  },
  conformIdTokenClaims: false,
  findAccount,
  jwks: { keys: keys.map((key) => key.private) },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
});
const handle = provider.callback();
let jwksServed = 0;
server.on('request', (req, res) => {
  if (req.method === 'GET' && new URL(req.url, issuer).pathname === '/jwks') {
    jwksServed += 1;
    process.stderr.write(`jwks served ${jwksServed}\n`);
    if (opts['late-signing-key'] && jwksServed === 1) {
      const early = keys.filter((key) => key.public.kid !== 'rsa-1').map((key) => key.public);
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      res.end(JSON.stringify({ keys: early }));
      return;
    }
  }
  handle(req, res);
});

if (tls) process.stdout.write(`ca ${tls.ca}\n`);
process.stdout.write(`issuer ${issuer}\n`);
