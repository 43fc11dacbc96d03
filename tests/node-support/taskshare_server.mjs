// The real taskshare binary, shared by the contract and e2e tests: subcommands through its command line,
// and `serve` on a free loopback port with a database in a fresh temporary folder.
// Only node: built-ins are imported, so both npm packages can import this file by relative path.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const READY_LINE = /taskshare listening on (http:\/\/127\.0\.0\.1:(\d+))/;

// Runs `bin` with a subcommand; returns its stdout, or throws with its stderr.
export async function runTaskshare(bin, args) {
  try {
    const { stdout } = await run(bin, args, { timeout: CLI_TIMEOUT_MS });
    return stdout;
  } catch (e) {
    throw new Error(`taskshare ${args.join(' ')} failed (exit ${e.code}): ${e.stderr}`);
  }
}

// A temporary folder with a database, its users and, once start() has run, a server on it.
// stop() must be called when done: it ends the server (SIGTERM, then SIGKILL) and removes the folder.
// The server is also killed if the test process exits first.
export class TaskshareWorkspace {
  dir;
  db;
  baseUrl;
  #bin;
  #child;
  #log = '';
  #killOnExit = () => this.#child?.kill('SIGKILL');

  constructor(bin) {
    this.#bin = bin;
  }

  // Makes the folder, named `prefix` plus random characters, in the system's temporary folder. Called on
  // a subclass, it returns an instance of that subclass.
  static async create(bin, prefix) {
    const ws = new this(bin);
    ws.dir = await mkdtemp(join(tmpdir(), prefix));
    ws.db = `sqlite:${join(ws.dir, 't.db')}`;
    return ws;
  }

  // The server's stderr so far (its last 20,000 characters).
  get log() {
    return this.#log;
  }

  // Creates a user and returns its API key (printed alone on stdout).
  async addUser(email, ...options) {
    const key = (await runTaskshare(this.#bin, ['user', 'add', '--email', email, ...options, '--db', this.db])).trim();
    if (!/^neo_sk_[a-z0-9]{32}$/.test(key)) throw new Error(`user add printed ${JSON.stringify(key)}, not an API key`);
    return key;
  }

  // Starts `taskshare serve` on 127.0.0.1, port 0 unless `options` hold a --listen, and waits for its
  // "listening" line on stderr. Without a --rate-limit among `options`, share requests are not limited:
  // the suites make many from one address.
  async start(...options) {
    const rateLimit = options.includes('--rate-limit') ? [] : ['--rate-limit', '0'];
    const listen = options.includes('--listen') ? [] : ['--listen', '127.0.0.1:0'];
    const child = spawn(this.#bin, ['serve', ...listen, '--db', this.db, ...rateLimit, ...options], {
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
}
