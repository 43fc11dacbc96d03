// The real taskshare binary: `user add` through its command line, and `serve` on a free loopback port
// with a database in a fresh temporary folder, spoken to with fetch.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TaskshareWorkspace } from '../../node-support/taskshare_server.mjs';

const REQUEST_TIMEOUT_MS = 15_000;

export const e2eDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sourceDir = resolve(process.env.TASKSHARE_SOURCE_DIR ?? join(e2eDir, '..', '..'));
export const serverBin = resolve(process.env.TASKSHARE_BIN ?? join(sourceDir, 'build', 'taskshare'));
export const artifactsDir = resolve(process.env.E2E_ARTIFACTS ?? join(e2eDir, 'artifacts'));

// A temporary folder with a database and, once start() has run, a server on it. stop() ends the server
// (SIGTERM, then SIGKILL) and removes the folder; the server is also killed if the test process exits.
// `log` is the server's stderr so far.
export class Server extends TaskshareWorkspace {
  static async create() {
    if (!existsSync(serverBin)) throw new Error(`no server binary at ${serverBin} (build it, or set TASKSHARE_BIN)`);
    return super.create(serverBin, 'taskshare-e2e-');
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
