// The real taskshare binary, driven as a user would: `user add` and `import` through its command line,
// and `serve` on a free loopback port in a fresh temporary folder, spoken to with fetch through the
// validating proxy (support/validating_proxy.mjs), which checks every response against the OpenAPI
// document the server serves.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { TaskshareWorkspace, runTaskshare } from '../../node-support/taskshare_server.mjs';
import { serverBin } from './env.mjs';
import { bytesOf } from './raw_json.mjs';
import { ValidatingProxy } from './validating_proxy.mjs';

// A temporary folder with a database, its users and, once start() has run, a server on it.
// stop() must be called when done: it ends the server (SIGTERM, then SIGKILL) and removes the folder.
// The server is also killed if the test process exits first.
export class Workspace extends TaskshareWorkspace {
  #proxy;

  static async create() {
    return super.create(serverBin, 'taskshare-contract-');
  }

  // Starts the server (TaskshareWorkspace.start) and the validating proxy in front of it.
  async start(...options) {
    await super.start(...options);
    this.#proxy = await ValidatingProxy.start(this.baseUrl);
  }

  async stop() {
    try {
      await this.#proxy?.stop();
    } finally {
      await super.stop();
    }
  }

  // Writes `text` to a file and imports it for `owner`; returns the printed task id.
  async importTask(name, text, owner) {
    const file = join(this.dir, name);
    await writeFile(file, text);
    return (await runTaskshare(serverBin, ['import', file, '--owner', owner, '--db', this.db])).trim();
  }

  // Sends a request and returns {status, headers, buffer (the body), bytes (the body as a binary
  // string, see raw_json.mjs), json (the parsed body, when it is JSON)}.
  // `body` is sent as is when it is a string, else as JSON; `key` is sent as X-Api-Key. The request goes
  // through the validating proxy, which throws if the response violates the document, unless it is a
  // HEAD or `direct` is set: for requests the document has no operation for (an unknown path, a method
  // the path does not have), which the proxy cannot validate (see validating_proxy.mjs).
  async request(method, path, { body, key, headers = {}, direct = false } = {}) {
    const init = { method, headers: { ...headers } };
    if (key) init.headers['X-Api-Key'] = key;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let res;
    let buffer;
    if (direct || method === 'HEAD') {
      res = await fetch(this.baseUrl + path, init);
      buffer = Buffer.from(await res.arrayBuffer());
    } else {
      ({ buffer, ...res } = await this.#proxy.exchange(path, init));
    }
    let json;
    if (buffer.length > 0 && (res.headers.get('content-type') ?? '').includes('application/json')) {
      json = JSON.parse(buffer.toString('utf8'));
    }
    return { status: res.status, headers: res.headers, buffer, bytes: bytesOf(buffer), json };
  }
}
