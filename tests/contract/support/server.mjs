// The real taskshare binary, driven as a user would: `user add` and `import` through its command line,
// and `serve` on a free loopback port in a fresh temporary folder, spoken to with fetch.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { TaskshareWorkspace, runTaskshare } from '../../node-support/taskshare_server.mjs';
import { serverBin } from './env.mjs';
import { bytesOf } from './raw_json.mjs';

// A temporary folder with a database, its users and, once start() has run, a server on it.
// stop() must be called when done: it ends the server (SIGTERM, then SIGKILL) and removes the folder.
// The server is also killed if the test process exits first.
export class Workspace extends TaskshareWorkspace {
  static async create() {
    return super.create(serverBin, 'taskshare-contract-');
  }

  // Writes `text` to a file and imports it for `owner`; returns the printed task id.
  async importTask(name, text, owner) {
    const file = join(this.dir, name);
    await writeFile(file, text);
    return (await runTaskshare(serverBin, ['import', file, '--owner', owner, '--db', this.db])).trim();
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
