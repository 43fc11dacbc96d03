// The authenticated task API and the service endpoints against the real server: task objects validate
// against the contract's TaskInfo, every response is one that src/api/openapi.json documents for its
// operation, and errors carry docs/api.md's codes. The server runs with --max-body-bytes 65536 so that
// a 413 is cheap to provoke.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { assertDocumented, assertError, spec } from './support/contract.mjs';
import { liveSkipReason, openApiPath } from './support/env.mjs';
import {
  CREATE_PUBLIC, IMPORT_SCHEDULED, OWNER, SCHEDULED_TASK, expectedFirstMessage, returnedMessages,
} from './support/fixtures.mjs';
import { Workspace } from './support/server.mjs';

const MAX_BODY_BYTES = 65536;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// An RFC 3339 UTC timestamp ("...Z", with an optional fraction) as microseconds since the epoch.
function micros(timestamp) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(timestamp);
  assert.ok(m, `${timestamp} is an RFC 3339 UTC timestamp with at most microseconds`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

describe('task API and service endpoints', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;
  let key;

  async function call(method, template, { id, query = '', ...options } = {}) {
    const path = template.replace('{id}', id ?? '') + query;
    const res = await ws.request(method, path, options);
    assertDocumented(method, template, res, options.body);
    return res;
  }

  async function create(body) {
    const res = await call('POST', '/api/v1/tasks', { body, key });
    assert.equal(res.status, 202, `create: ${res.buffer.toString('utf8')}`);
    return res.json.id;
  }

  before(async () => {
    ws = await Workspace.create();
    key = await ws.addUser(OWNER);
    await ws.importTask('scheduled.json', IMPORT_SCHEDULED, OWNER);
    await ws.start('--max-body-bytes', String(MAX_BODY_BYTES));
  });

  after(async () => {
    await ws?.stop();
  });

  describe('service endpoints', () => {
    it('GET /api/openapi.json serves src/api/openapi.json byte for byte', async () => {
      const res = await call('GET', '/api/openapi.json');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
      const file = readFileSync(openApiPath);
      const digest = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      assert.ok(res.buffer.equals(file),
        `served ${res.buffer.length} bytes (sha256 ${digest(res.buffer)}), the file has ${file.length} ` +
        `(sha256 ${digest(file)}); the binary embeds the file when it is built, so a stale build also differs`);
    });

    it('GET /healthz answers {"status": "ok"}', async () => {
      const res = await call('GET', '/healthz');
      assert.equal(res.status, 200);
      assert.deepStrictEqual(res.json, { status: 'ok' });
    });
  });

  describe('tasks', () => {
    it('POST /api/v1/tasks answers 202 with a new lower-case v4 id and status pending', async () => {
      const res = await call('POST', '/api/v1/tasks', { body: { title: 'Code audit' }, key });
      assert.equal(res.status, 202);
      assert.deepStrictEqual(Object.keys(res.json).sort(), ['id', 'status']);
      assert.match(res.json.id, UUID_V4);
      assert.equal(res.json.status, 'pending');
    });

    it('POST /api/v1/tasks keeps a given id, in lower case, and answers 409 when it is taken', async () => {
      const id = 'A3C5E7F9-1B2D-4F60-8A9C-0E1F2A3B4C5D';
      const first = await call('POST', '/api/v1/tasks', { body: { id, title: 'Fixed id' }, key });
      assert.equal(first.status, 202);
      assert.equal(first.json.id, id.toLowerCase());
      assertError(await call('POST', '/api/v1/tasks', { body: { id, title: 'Again' }, key }), 409);
      assertError(await call('POST', '/api/v1/tasks', { body: { id: id.toLowerCase(), title: 'Again' }, key }), 409);
    });

    it('GET /api/v1/tasks/{id} answers the full TaskInfo, the exact messages and read_only false to the owner', async () => {
      const id = await create(CREATE_PUBLIC);
      const res = await call('GET', '/api/v1/tasks/{id}', { id, key });
      assert.equal(res.status, 200);
      spec.assertValid('TaskInfo', res.json.task, 'task');
      assert.equal(res.json.read_only, false);
      assert.equal(res.json.task.id, id);
      assert.equal(res.json.task.created_by, OWNER);
      assert.deepStrictEqual(res.json.task.secret_names, ['API_TOKEN']);
      assert.equal(res.json.task.source, 'web');
      assert.equal(res.json.task.status, 'pending');
      assert.deepStrictEqual(returnedMessages(res), [expectedFirstMessage(CREATE_PUBLIC)]);
    });

    it('GET /api/v1/tasks/{id} answers an imported task with every field as imported', async () => {
      const res = await call('GET', '/api/v1/tasks/{id}', { id: SCHEDULED_TASK.id, key });
      assert.equal(res.status, 200);
      spec.assertValid('TaskInfo', res.json.task, 'task');
      assert.deepStrictEqual(res.json.task, SCHEDULED_TASK);
    });

    it('accepts the API key as a bearer token', async () => {
      const res = await call('GET', '/api/v1/tasks/{id}', {
        id: SCHEDULED_TASK.id, headers: { Authorization: `Bearer ${key}` },
      });
      assert.equal(res.status, 200);
      spec.assertValid('TaskInfo', res.json.task, 'task');
    });

    it('POST /api/v1/tasks/{id}/messages appends once per message id', async () => {
      const id = await create({ title: 'Retries', message: { id: 'a', role: 'user', content: 'first' } });
      const batch = { messages: [{ id: 'a', x: 1 }, { id: 'b', x: 2 }, { id: 'b', x: 3 }, { role: 'tool' }] };
      const first = await call('POST', '/api/v1/tasks/{id}/messages', { id, body: batch, key });
      assert.equal(first.status, 200);
      assert.deepStrictEqual(first.json, { appended: 2, message_count: 3 });
      const retry = await call('POST', '/api/v1/tasks/{id}/messages', { id, body: { messages: batch.messages.slice(0, 3) }, key });
      assert.deepStrictEqual(retry.json, { appended: 0, message_count: 3 });
      const details = await call('GET', '/api/v1/tasks/{id}', { id, key });
      assert.deepStrictEqual(details.json.messages,
        [{ id: 'a', role: 'user', content: 'first' }, { id: 'b', x: 2 }, { role: 'tool' }]);
    });

    it('PATCH /api/v1/tasks/{id} answers the updated TaskInfo with a new updated_at', async () => {
      const id = await create({ title: 'Before', visibility: 'private' });
      const before = (await call('GET', '/api/v1/tasks/{id}', { id, key })).json.task;
      const res = await call('PATCH', '/api/v1/tasks/{id}', {
        id, body: { title: 'After', status: 'completed', visibility: 'team', model: 'm-2' }, key,
      });
      assert.equal(res.status, 200);
      spec.assertValid('TaskInfo', res.json.task, 'task');
      assert.deepStrictEqual(Object.keys(res.json), ['task']);
      const { task } = res.json;
      assert.deepStrictEqual([task.title, task.status, task.visibility, task.model], ['After', 'completed', 'team', 'm-2']);
      assert.equal(task.created_at, before.created_at);
      assert.ok(micros(task.updated_at) > micros(before.updated_at),
        `updated_at moves forward: ${before.updated_at} -> ${task.updated_at}`);
      assertError(await call('PATCH', '/api/v1/tasks/{id}', { id, body: {}, key }), 400);
    });

    it('DELETE /api/v1/tasks/{id} answers 204 without a body, then 404', async () => {
      const id = await create({ title: 'Short-lived' });
      const res = await call('DELETE', '/api/v1/tasks/{id}', { id, key });
      assert.equal(res.status, 204);
      assertError(await call('GET', '/api/v1/tasks/{id}', { id, key }), 404, 'Task not found');
      assertError(await call('DELETE', '/api/v1/tasks/{id}', { id, key }), 404, 'Task not found');
    });

    it('GET /api/v1/tasks lists TaskInfo objects newest first and pages without repeats', async () => {
      for (const title of ['Page 1', 'Page 2', 'Page 3']) await create({ title });
      const all = await call('GET', '/api/v1/tasks', { query: '?limit=100', key });
      assert.equal(all.status, 200);
      assert.equal(all.json.has_more, false);
      const tasks = all.json.tasks;
      assert.ok(tasks.length >= 4, `lists the tasks created so far (${tasks.length})`);
      tasks.forEach((t, i) => spec.assertValid('TaskInfo', t, `tasks[${i}]`));
      for (let i = 1; i < tasks.length; i++) {
        assert.ok(micros(tasks[i - 1].created_at) >= micros(tasks[i].created_at), 'newest created_at first');
      }

      const paged = [];
      let cursor;
      do {
        const query = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await call('GET', '/api/v1/tasks', { query, key });
        assert.equal(page.status, 200);
        assert.ok(page.json.tasks.length <= 2);
        assert.equal(page.json.has_more, page.json.next_cursor != null, 'has_more iff next_cursor');
        paged.push(...page.json.tasks.map((t) => t.id));
        cursor = page.json.next_cursor;
      } while (cursor && paged.length <= tasks.length);
      assert.deepStrictEqual(paged, tasks.map((t) => t.id));

      const scheduled = await call('GET', '/api/v1/tasks', { query: '?is_scheduled=true', key });
      assert.deepStrictEqual(scheduled.json.tasks.map((t) => t.id), [SCHEDULED_TASK.id]);
    });
  });

  describe('errors', () => {
    it('401 unauthorized without a key, with a malformed key and with an unknown key', async () => {
      assertError(await call('GET', '/api/v1/tasks'), 401);
      assertError(await call('GET', '/api/v1/tasks', { key: 'not-a-key' }), 401);
      assertError(await call('GET', '/api/v1/tasks', { key: `neo_sk_${'0'.repeat(32)}` }), 401);
      assertError(await call('POST', '/api/v1/tasks', { body: { title: 'x' } }), 401);
    });

    it('400 invalid_request naming an unknown field, a wrong type or an unknown enum value', async () => {
      assertError(await call('POST', '/api/v1/tasks', { body: { title: 'x', colour: 'red' }, key }), 400, /colour/);
      assertError(await call('POST', '/api/v1/tasks', { body: { title: 42 }, key }), 400, /title/);
      assertError(await call('POST', '/api/v1/tasks', { body: { title: 'x', visibility: 'secret' }, key }), 400,
        /visibility/);
      assertError(await call('POST', '/api/v1/tasks', { body: { visibility: 'public' }, key }), 400);
      assertError(await call('GET', '/api/v1/tasks', { query: '?colour=red', key }), 400, /colour/);
    });

    it('400 invalid_request outside the documented ranges of limit, filters and message counts', async () => {
      for (const query of ['?limit=0', '?limit=101', '?is_scheduled=maybe', '?status=finished', '?visibility=secret']) {
        assertError(await call('GET', '/api/v1/tasks', { query, key }), 400);
      }
      const id = SCHEDULED_TASK.id;
      for (const messages of [[], Array.from({ length: 1001 }, () => ({})), [{ role: 'user' }, 'text']]) {
        assertError(await call('POST', '/api/v1/tasks/{id}/messages', { id, body: { messages }, key }), 400);
      }
      const details = await call('GET', '/api/v1/tasks/{id}', { id, key });
      assert.equal(details.json.messages.length, 3, 'nothing was appended');
    });

    it('400 invalid_request for malformed JSON and a malformed id', async () => {
      assertError(await call('POST', '/api/v1/tasks', { body: '{"title": ', key }), 400);
      assertError(await call('GET', '/api/v1/tasks/{id}', { id: 'nope', key }), 400);
    });

    // Neither is an operation of the document, so the validating proxy cannot check them: they go to
    // the server directly.
    it('404 not_exists for an unknown route', async () => {
      assertError(await ws.request('GET', '/api/v1/nothing-here', { direct: true }), 404);
    });

    it('405 invalid_request with Allow for a known path and a method it does not have', async () => {
      const res = await ws.request('POST', `/api/v1/tasks/${SCHEDULED_TASK.id}/share`, { direct: true });
      assertError(res, 405);
      assert.match(res.headers.get('allow') ?? '', /\bGET\b/);
      const health = await ws.request('DELETE', '/healthz', { direct: true });
      assertError(health, 405);
      assert.match(health.headers.get('allow') ?? '', /\bGET\b/);
    });

    it('413 payload_too_large for a body over --max-body-bytes', async () => {
      const body = JSON.stringify({ title: 'x'.repeat(MAX_BODY_BYTES + 1024) });
      assertError(await call('POST', '/api/v1/tasks', { body, key }), 413);
    });

    it('431 payload_too_large for request headers over --max-header-bytes', async () => {
      const res = await call('GET', '/healthz', { headers: { 'X-Padding': 'p'.repeat(20 * 1024) } });
      assertError(res, 431);
    });
  });
});
