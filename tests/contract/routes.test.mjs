// Every route of src/api/openapi.json against the real server: each documented path answers exactly
// the documented methods, every GET answers HEAD alike, and the routes and statuses that the task,
// share and schedule suites do not reach (the share page, /readyz, /metrics, the sharing switch, 304s,
// the statuses any request can get, secrets without a key) answer what the document says. Requests go
// through the validating proxy (support/validating_proxy.mjs) unless said otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertDocumented, assertError, serverDoc } from './support/contract.mjs';
import { operations } from './support/documents.mjs';
import { liveSkipReason } from './support/env.mjs';
import { Workspace } from './support/server.mjs';

const MAX_BODY_BYTES = 4096;
const UNKNOWN_ID = '5b0f6d8e-3c2a-4e1f-9d7b-8a6c4e2f0b19';

describe('every route of the document', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;
  let admin;
  let user;
  const ids = {};

  // The id a template's {id} stands for by default: the admin's schedule, or the public task.
  const idFor = (template) => (template.startsWith('/api/v1/schedules/') ? ids.schedule : ids.public);

  // Sends a request for `template` ({id} and {name} filled in, `query` appended) and checks its response
  // against the operation's documentation, and its body, when `checkBody`, against the request schema.
  async function call(method, template, { id = idFor(template), query = '', checkBody = true, ...options } = {}) {
    const res = await ws.request(method, template.replace('{id}', id).replace('{name}', 'API_TOKEN') + query, options);
    assertDocumented(method, template, res, checkBody ? options.body : undefined);
    return res;
  }

  const concrete = (template) => template.replace('{id}', idFor(template)).replace('{name}', 'API_TOKEN');

  before(async () => {
    ws = await Workspace.create();
    admin = await ws.addUser('admin@example.com', '--role', 'admin');
    user = await ws.addUser('user@example.com');
    await ws.start('--max-body-bytes', String(MAX_BODY_BYTES));
    const create = async (body) => {
      const res = await call('POST', '/api/v1/tasks', { body, key: admin });
      assert.equal(res.status, 202, res.buffer.toString('utf8'));
      return res.json.id;
    };
    ids.public = await create({ title: 'Shared audit', visibility: 'public', message: 'hello' });
    ids.private = await create({ title: 'Private audit' });
    const schedule = await call('POST', '/api/v1/schedules', {
      body: { task_message: 'Once', schedule_type: 'one_time', run_at: '2h' }, key: admin,
    });
    assert.equal(schedule.status, 201, schedule.buffer.toString('utf8'));
    ids.schedule = schedule.json.schedule.id;
  });

  after(async () => {
    await ws?.stop();
  });

  it('answers each documented path with exactly its documented methods (405 Allow)', async () => {
    for (const [template, item] of Object.entries(serverDoc.paths)) {
      // OPTIONS is no operation of the document: the server refuses it with the methods it has.
      const res = await ws.request('OPTIONS', concrete(template), { direct: true });
      assertError(res, 405);
      const allowed = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim()).sort();
      const methods = Object.keys(item).map((m) => m.toUpperCase()).sort();
      assert.deepStrictEqual(allowed, methods, `methods of ${template}`);
    }
  });

  it('answers HEAD of every GET with its status and headers, without a body', async () => {
    for (const { path } of operations(serverDoc).filter((o) => o.method === 'get')) {
      const get = await call('GET', path, { key: admin });
      const head = await call('HEAD', path, { key: admin });
      assert.equal(head.status, get.status, `HEAD ${path}`);
      assert.equal(head.headers.get('content-type'), get.headers.get('content-type'), `HEAD ${path} content-type`);
      assert.equal(head.buffer.length, 0, `HEAD ${path} body`);
    }
  });

  it('GET /readyz answers ready while the database answers', async () => {
    const res = await call('GET', '/readyz');
    assert.equal(res.status, 200);
    assert.deepStrictEqual(res.json, { status: 'ready', database: 'reachable' });
  });

  it('GET /metrics answers the Prometheus text to an admin, 403 to a user, 401 without a key', async () => {
    const res = await call('GET', '/metrics', { key: admin });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4\b/);
    assert.match(res.buffer.toString('utf8'), /^# (HELP|TYPE) /m);
    assertError(await call('GET', '/metrics', { key: user }), 403);
    assertError(await call('GET', '/metrics'), 401);
  });

  it('turns every share link off and on through /api/v1/admin/sharing, for admins alone', async () => {
    const SWITCH = '/api/v1/admin/sharing';
    assert.deepStrictEqual((await call('GET', SWITCH, { key: admin })).json, { enabled: true });
    assertError(await call('GET', SWITCH, { key: user }), 403);
    assertError(await call('PUT', SWITCH, { key: user, body: { enabled: false } }), 403);
    assertError(await call('GET', SWITCH), 401);
    assertError(await call('PUT', SWITCH, { key: admin, body: { enabled: 'no' } }), 400);
    assertError(await call('PUT', SWITCH, { key: admin, body: { enabled: false, everywhere: true } }), 400);
    assert.equal((await call('GET', '/api/v1/tasks/{id}/share')).status, 200, 'still on');

    const off = await call('PUT', SWITCH, { key: admin, body: { enabled: false } });
    assert.deepStrictEqual([off.status, off.json], [200, { enabled: false }]);
    assertError(await call('GET', '/api/v1/tasks/{id}/share'), 403, 'Sharing is turned off on this server');
    const page = await call('GET', '/share/{id}');
    assert.equal(page.status, 403);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html\b/);

    const on = await call('PUT', SWITCH, { key: admin, body: { enabled: true } });
    assert.deepStrictEqual([on.status, on.json], [200, { enabled: true }]);
    assert.equal((await call('GET', '/api/v1/tasks/{id}/share')).status, 200);
  });

  it('serves the share page, and its refusals as pages', async () => {
    const page = await call('GET', '/share/{id}');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html\b/);
    assert.match(page.buffer.toString('utf8'), /Shared audit/);
    for (const [id, status] of [[ids.private, 403], [UNKNOWN_ID, 404], ['not-a-uuid', 400]]) {
      const refused = await call('GET', '/share/{id}', { id });
      assert.equal(refused.status, status, `page of ${id}`);
      assert.match(refused.headers.get('content-type') ?? '', /^text\/html\b/);
    }
  });

  it('answers 304 to an If-None-Match that names the current share response or page', async () => {
    for (const template of ['/api/v1/tasks/{id}/share', '/share/{id}']) {
      const first = await call('GET', template);
      const etag = first.headers.get('etag');
      assert.ok(etag, `${template} has an ETag`);
      const again = await call('GET', template, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304, template);
      assert.equal(again.headers.get('etag'), etag);
    }
  });

  it('answers the statuses any request can get: 400, 413 and 431', async () => {
    assertError(await call('GET', '/readyz', { query: '?%zz' }), 400, 'malformed request target');
    // A body over --max-body-bytes is refused before the route is looked at, even where none is taken.
    const body = JSON.stringify({ padding: 'x'.repeat(MAX_BODY_BYTES) });
    assertError(await call('DELETE', '/api/v1/tasks/{id}', { id: ids.private, key: admin, body, checkBody: false }), 413);
    assert.equal((await call('GET', '/api/v1/tasks/{id}', { id: ids.private, key: admin })).status, 200, 'not deleted');
    assertError(await call('GET', '/healthz', { headers: { 'X-Padding': 'p'.repeat(20 * 1024) } }), 431);
  });

  it('answers 503 to a secret on a server without a secrets key', async () => {
    assertError(await call('POST', '/api/v1/secrets', { key: user, body: { name: 'API_TOKEN', value: 's3cret' } }),
      503, 'secrets are not configured on this server');
  });
});
