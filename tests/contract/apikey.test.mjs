// The caller's API key against the real server: GET and rotation answer what src/api/openapi.json
// documents, errors carry docs/api.md's codes, and a rotated key is refused at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertDocumented, assertError } from './support/contract.mjs';
import { liveSkipReason } from './support/env.mjs';
import { Workspace } from './support/server.mjs';

const KEY_PATH = '/api/v1/user/apikey';
const ROTATE_PATH = '/api/v1/user/apikey/rotate';

describe('API key endpoints', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;
  let key;

  before(async () => {
    ws = await Workspace.create();
    key = await ws.addUser('keys@example.com');
    await ws.start();
  });

  after(async () => {
    await ws?.stop();
  });

  it('GET /api/v1/user/apikey shows the prefix of the key that user add printed, and when it was made', async () => {
    const res = await ws.request('GET', KEY_PATH, { key });
    assertDocumented('GET', KEY_PATH, res);
    assert.equal(res.status, 200);
    assert.deepStrictEqual(Object.keys(res.json).sort(), ['created_at', 'prefix']);
    assert.equal(res.json.prefix, key.slice(0, 12));
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('POST /api/v1/user/apikey/rotate answers 201 with a new key, and the old one is refused at once', async () => {
    const res = await ws.request('POST', ROTATE_PATH, { key });
    assertDocumented('POST', ROTATE_PATH, res);
    assert.equal(res.status, 201);
    assert.notEqual(res.json.api_key, key);
    assert.equal(res.json.prefix, res.json.api_key.slice(0, 12));
    const refused = await ws.request('GET', KEY_PATH, { key });
    assertDocumented('GET', KEY_PATH, refused);
    assertError(refused, 401, 'invalid API key');
    const old = key;
    key = res.json.api_key;
    const shown = await ws.request('GET', KEY_PATH, { key });
    assert.deepStrictEqual(shown.json, { prefix: res.json.prefix, created_at: res.json.created_at });
    assertError(await ws.request('POST', ROTATE_PATH, { key: old }), 401);
  });

  it('refuses a rotation with a body other than {} and keeps the key', async () => {
    const res = await ws.request('POST', ROTATE_PATH, { key, body: { keep: true } });
    assertDocumented('POST', ROTATE_PATH, res);
    assertError(res, 400, /body/);
    assert.equal((await ws.request('GET', KEY_PATH, { key })).status, 200);
  });
});
