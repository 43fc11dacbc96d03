// The validating proxy of the live contract tests: Stoplight Prism (`prism proxy --errors`, pinned in
// package.json) in front of the real server, checking every response against the OpenAPI document that
// the server serves at /api/openapi.json.
//
//   test --(method, target, credentials)--> Prism --> tap --(the test's exact request)--> taskshare
//
// Prism parses JSON bodies and writes them out again, in requests and in responses: 1.50 would reach
// the server as 1.5, 1e400 as null, and a body that is not JSON would be refused by Prism itself. The
// tests are about those bytes, so a tap (an HTTP server inside the test process) sits between Prism and
// the server: each exchange is registered under an id that travels in a header, the tap sends the server
// the request exactly as the test made it (method, target, headers, body), and keeps the response
// exactly as the server gave it. Prism sees the method, the target and the credentials, forwards them,
// and validates the server's response on its way back: its status, content type, documented headers
// and body. The test reads the response the tap kept.
//
// An exchange fails (exchange() throws) when Prism reports any violation of the response, an error or
// a warning (an undocumented error status is only a warning to Prism, so the `sl-violations` header is
// checked too), or answers by itself without asking the server. Not sent through Prism, so not
// validated by it (the callers send them straight to the server, see support/server.mjs):
//   - HEAD requests: Prism parses the empty body of a JSON response and fails;
//   - requests the document has no operation for (an unknown path, a method the path does not have):
//     Prism answers those itself with --errors.
// Prism checks that credentials are present where an operation needs them, and answers 401 itself
// when they are not; a request that carries none shows Prism a placeholder key instead, and the tap
// sends the server the request without it, so that the server's own 401 is the one validated.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { contractDir } from './env.mjs';

const EXCHANGE_HEADER = 'x-contract-exchange';
const PLACEHOLDER_KEY = `neo_sk_${'0'.repeat(32)}`;
const READY_TIMEOUT_MS = 30_000;
const READY_LINE = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/;
// Headers of the server's response that describe its bytes on the wire, which the tap does not pass on
// as they were: fetch has already decoded the body.
const WIRE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export const prismBin = join(contractDir, 'node_modules', '.bin', 'prism');

export class ValidatingProxy {
  #upstream;
  #tap;
  #prism;
  #prismUrl;
  #log = '';
  #exchanges = new Map();
  #next = 0;
  #killOnExit = () => this.#prism?.kill('SIGKILL');

  constructor(upstream) {
    this.#upstream = upstream;
  }

  // Starts the tap and Prism in front of the server at `upstream` (e.g. http://127.0.0.1:1234), with the
  // document that server serves. stop() must be called when done.
  static async start(upstream) {
    const proxy = new ValidatingProxy(upstream);
    await proxy.#startTap();
    await proxy.#startPrism();
    return proxy;
  }

  // Prism's output so far (its last 20,000 characters).
  get log() {
    return this.#log;
  }

  // Sends `init` (fetch's options: method, headers as a plain object, body as a string) for `target`
  // (path and query) through Prism; returns the server's response as {status, headers, buffer}, the
  // body decoded as fetch decodes it. Throws if Prism finds the response in violation of the document.
  async exchange(target, init) {
    const id = String(++this.#next);
    const exchange = { target, init, response: undefined, error: undefined };
    this.#exchanges.set(id, exchange);
    try {
      const headers = { [EXCHANGE_HEADER]: id };
      const credentials = Object.entries(init.headers ?? {})
        .filter(([name]) => ['x-api-key', 'authorization'].includes(name.toLowerCase()));
      if (credentials.length === 0) headers['X-Api-Key'] = PLACEHOLDER_KEY;
      for (const [name, value] of credentials) headers[name] = value;
      const res = await fetch(this.#prismUrl + target, { method: init.method, headers });
      const body = Buffer.from(await res.arrayBuffer());
      const what = `${init.method} ${target}`;
      if (exchange.error) throw new Error(`${what}: the tap could not reach the server: ${exchange.error.message}`);
      if (!exchange.response) {
        throw new Error(`${what}: Prism answered ${res.status} without asking the server:\n${body.toString('utf8')}`);
      }
      const violations = res.headers.get('sl-violations');
      if (res.status !== exchange.response.status || violations) {
        throw new Error(`${what}: Prism found the server's ${exchange.response.status} response in violation of ` +
          `the OpenAPI document:\n${violations ?? ''}\n${body.toString('utf8')}\nthe server's body: ` +
          exchange.response.buffer.toString('utf8').slice(0, 2000));
      }
      return exchange.response;
    } finally {
      this.#exchanges.delete(id);
    }
  }

  async stop() {
    const prism = this.#prism;
    if (prism && prism.exitCode === null && prism.signalCode === null) {
      const exited = new Promise((resolve) => prism.once('exit', resolve));
      prism.kill('SIGTERM');
      const timer = setTimeout(() => prism.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', this.#killOnExit);
    if (this.#tap) await new Promise((resolve) => this.#tap.close(resolve));
  }

  async #startTap() {
    this.#tap = createServer((req, res) => {
      this.#forward(req, res).catch((e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`tap: ${e.message}`);
      });
    });
    this.#tap.keepAliveTimeout = 1_000;
    await new Promise((resolve, reject) => {
      this.#tap.once('error', reject);
      this.#tap.listen(0, '127.0.0.1', resolve);
    });
  }

  // Sends the server the registered request of the exchange Prism forwards, and Prism the response.
  async #forward(req, res) {
    req.resume();  // Prism forwards no body of ours; whatever comes is not sent on
    const exchange = this.#exchanges.get(req.headers[EXCHANGE_HEADER]);
    if (!exchange) throw new Error(`no exchange ${req.headers[EXCHANGE_HEADER]} is registered`);
    if (req.method !== exchange.init.method) throw new Error(`Prism forwarded ${req.method}, not ${exchange.init.method}`);
    let upstream;
    try {
      upstream = await fetch(this.#upstream + exchange.target, exchange.init);
    } catch (e) {
      exchange.error = e;
      throw e;
    }
    const buffer = Buffer.from(await upstream.arrayBuffer());
    exchange.response = { status: upstream.status, headers: upstream.headers, buffer };
    const headers = {};
    for (const [name, value] of upstream.headers) {
      if (!WIRE_HEADERS.has(name)) headers[name] = value;
    }
    res.writeHead(upstream.status, headers);
    res.end(buffer);
  }

  async #startPrism() {
    const tap = `http://127.0.0.1:${this.#tap.address().port}`;
    const args = ['proxy', `${this.#upstream}/api/openapi.json`, tap, '--errors', '--validate-request=false',
      '--host', '127.0.0.1', '--port', '0', '--cors=false', '--multiprocess=false'];
    const child = spawn(prismBin, args, {
      cwd: contractDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    this.#prism = child;
    process.once('exit', this.#killOnExit);
    this.#prismUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prism not listening after ${READY_TIMEOUT_MS} ms:\n${this.#log}`)),
        READY_TIMEOUT_MS);
      // Both streams are drained for Prism's whole life so that it never blocks on a full pipe.
      const take = (chunk) => {
        this.#log = (this.#log + chunk).slice(-20_000);
        const m = READY_LINE.exec(this.#log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.setEncoding('utf8').on('data', take);
      child.stderr.setEncoding('utf8').on('data', take);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e.code === 'ENOENT' ? new Error(`${prismBin} not found: run \`npm ci\` in ${contractDir}`) : e);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Prism exited (${code ?? signal}) before listening:\n${this.#log}`));
      });
    });
  }
}
