// The rate limit of share requests against the real server, through the validating proxy: past its
// burst, a client's share requests (the JSON endpoint and the page, which share its bucket) answer 429
// with Retry-After, as src/api/openapi.json documents; other routes are not limited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertDocumented, assertError } from './support/contract.mjs';
import { liveSkipReason } from './support/env.mjs';
import { Workspace } from './support/server.mjs';

const UNKNOWN_ID = '5b0f6d8e-3c2a-4e1f-9d7b-8a6c4e2f0b19';

describe('rate limit of share requests', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;

  before(async () => {
    ws = await Workspace.create();
    // One request at once, then one every 1000 s: the second share request is over the rate.
    await ws.start('--rate-limit', '0.001', '--rate-burst', '1');
  });

  after(async () => {
    await ws?.stop();
  });

  it('answers 429 with Retry-After past the burst, on the JSON endpoint and the page alike', async () => {
    const first = await ws.request('GET', `/api/v1/tasks/${UNKNOWN_ID}/share`);
    assertError(first, 404, 'Task not found');
    assertDocumented('GET', '/api/v1/tasks/{id}/share', first);

    const json = await ws.request('GET', `/api/v1/tasks/${UNKNOWN_ID}/share`);
    assertError(json, 429);
    assertDocumented('GET', '/api/v1/tasks/{id}/share', json);
    const seconds = Number(json.headers.get('retry-after'));
    assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 1000, `Retry-After ${seconds}`);

    const page = await ws.request('GET', `/share/${UNKNOWN_ID}`);
    assert.equal(page.status, 429);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html\b/);
    assertDocumented('GET', '/share/{id}', page);
    assert.ok(Number(page.headers.get('retry-after')) >= 1, 'the page says when to retry');

    const head = await ws.request('HEAD', `/share/${UNKNOWN_ID}`);
    assert.equal(head.status, 429);
    assertDocumented('HEAD', '/share/{id}', head);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await ws.request('GET', '/healthz');
      assert.equal(res.status, 200);
      assertDocumented('GET', '/healthz', res);
    }
  });
});
