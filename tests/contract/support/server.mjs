// The real taskshare binary, driven as a user would: `user add` and `import` through its command line,
// and `serve` on a free loopback port in a fresh temporary folder, spoken to with fetch.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { serverBin } from './env.mjs';
import { bytesOf } from './raw_json.mjs';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const READY_LINE = /taskshare listening on (http:\/\/127\.0\.0\.1:(\d+))/;

// Runs a subcommand against the workspace database; returns its stdout, or throws with its stderr.
async function cli(args) {
  try {
    const { stdout } = await run(serverBin, args, { timeout: 30_000 });
    return stdout;
  } catch (e) {
    throw new Error(`taskshare ${args.join(' ')} failed (exit ${e.code}): ${e.stderr}`);
  }
}

// A temporary folder with a database, its users and, once start() has run, a server on it.
// stop() must be called when done: it ends the server (SIGTERM, then SIGKILL) and removes the folder.
// The server is also killed if the test process exits first.
export class Workspace {
  dir;
  db;
  baseUrl;
  #child;
  #log = '';
  #killOnExit = () => this.#child?.kill('SIGKILL');

  static async create() {
    const ws = new Workspace();
    ws.dir = await mkdtemp(join(tmpdir(), 'taskshare-contract-'));
    ws.db = `sqlite:${join(ws.dir, 't.db')}`;
    return ws;
  }

  // Creates a user and returns its API key (printed alone on stdout).
  async addUser(email, ...options) {
    const key = (await cli(['user', 'add', '--email', email, ...options, '--db', this.db])).trim();
    if (!/^neo_sk_[a-z0-9]{32}$/.test(key)) throw new Error(`user add printed ${JSON.stringify(key)}, not an API key`);
    return key;
  }

  // Writes `text` to a file and imports it for `owner`; returns the printed task id.
  async importTask(name, text, owner) {
    const file = join(this.dir, name);
    await writeFile(file, text);
    return (await cli(['import', file, '--owner', owner, '--db', this.db])).trim();
  }

  // Starts `taskshare serve` on 127.0.0.1, port 0, and waits for its "listening" line.
  async start(...options) {
    const child = spawn(serverBin, ['serve', '--listen', '127.0.0.1:0', '--db', this.db, ...options], {
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

  // Ends the server and removes the folder. Throws, with the server's log, if the server had already
  // exited by itself (a crash).
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

  // Sends a request and returns {status, headers, buffer (the body), bytes (the body as a binary
  // string, see raw_json.mjs), json (the parsed body, when it is JSON)}.
  // `body` is sent as is when it is a string, else as JSON; `key` is sent as X-Api-Key.
  async request(method, path, { body, key, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (key) init.headers['X-Api-Key'] = key;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + path, init);
    const buffer = Buffer.from(await res.arrayBuffer());
    let json;
    if (buffer.length > 0 && (res.headers.get('content-type') ?? '').includes('application/json')) {
      json = JSON.parse(buffer.toString('utf8'));
    }
    return { status: res.status, headers: res.headers, buffer, bytes: bytesOf(buffer), json };
  }
}
