// The real taskshare binary: `user add` through its command line, and `serve` on a free loopback port
// with a database in a fresh temporary folder, spoken to with fetch.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 15_000;
const READY_LINE = /taskshare listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export const e2eDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sourceDir = resolve(process.env.TASKSHARE_SOURCE_DIR ?? join(e2eDir, '..', '..'));
export const serverBin = resolve(process.env.TASKSHARE_BIN ?? join(sourceDir, 'build', 'taskshare'));
export const artifactsDir = resolve(process.env.E2E_ARTIFACTS ?? join(e2eDir, 'artifacts'));

// A temporary folder with a database and, once start() has run, a server on it. stop() ends the server
// (SIGTERM, then SIGKILL) and removes the folder; the server is also killed if the test process exits.
export class Server {
  dir;
  db;
  baseUrl;
  #child;
  #log = '';
  #killOnExit = () => this.#child?.kill('SIGKILL');

  static async create() {
    if (!existsSync(serverBin)) throw new Error(`no server binary at ${serverBin} (build it, or set TASKSHARE_BIN)`);
    const server = new Server();
    server.dir = await mkdtemp(join(tmpdir(), 'taskshare-e2e-'));
    server.db = `sqlite:${join(server.dir, 't.db')}`;
    return server;
  }

  get log() {
    return this.#log;
  }

  // Creates a user and returns its API key (printed alone on stdout).
  async addUser(email) {
    let stdout;
    try {
      ({ stdout } = await run(serverBin, ['user', 'add', '--email', email, '--db', this.db], { timeout: 30_000 }));
    } catch (e) {
      throw new Error(`taskshare user add failed (exit ${e.code}): ${e.stderr}`);
    }
    const key = stdout.trim();
    if (!/^neo_sk_[a-z0-9]{32}$/.test(key)) throw new Error(`user add printed ${JSON.stringify(key)}, not an API key`);
    return key;
  }

  // Starts `taskshare serve` on 127.0.0.1, port 0, and waits for its "listening" line on stderr.
  async start() {
    const child = spawn(serverBin, ['serve', '--listen', '127.0.0.1:0', '--db', this.db], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#child = child;
    process.once('exit', this.#killOnExit);
    child.stderr.setEncoding('utf8');
    this.baseUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server not listening after ${READY_TIMEOUT_MS} ms:\n${this.#log}`)),
        READY_TIMEOUT_MS);
      // stderr is drained for the server's whole life so that it never blocks on a full pipe.
      child.stderr.on('data', (chunk) => {
        this.#log = (this.#log + chunk).slice(-20_000);
        const m = READY_LINE.exec(this.#log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('error', (e) => { clearTimeout(timer); reject(e); });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before listening:\n${this.#log}`));
      });
    });
  }

  // Ends the server and removes the folder. Throws, with the server's log, if the server had exited by
  // itself (a crash).
  async stop() {
    const child = this.#child;
    let crashed = null;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      crashed = `server exited by itself (${child.exitCode ?? child.signalCode}):\n${this.#log}`;
    } else if (child) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', this.#killOnExit);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    if (crashed) throw new Error(crashed);
  }

  // Sends a JSON request with the API key and returns {status, json}; throws unless the status is `expect`.
  async api(method, path, { key, body, expect }) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { 'X-Api-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (expect !== undefined && res.status !== expect) {
      throw new Error(`${method} ${path} answered ${res.status}, not ${expect}: ${text}`);
    }
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }
}
