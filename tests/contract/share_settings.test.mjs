// The owner's share settings against the real server: every settings operation answers what
// src/api/openapi.json documents, and in every mode the anonymous share response still validates
// against the contract's SharedTaskResponse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertDocumented, assertError, spec } from './support/contract.mjs';
import { liveSkipReason } from './support/env.mjs';
import { APPEND_PUBLIC, CREATE_PUBLIC, OWNER } from './support/fixtures.mjs';
import { Workspace } from './support/server.mjs';

const SHARE = '/api/v1/tasks/{id}/share';
const SETTINGS = '/api/v1/tasks/{id}/share/settings';
const HOUR_MS = 3_600_000;

describe('share settings', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;
  let key;
  let id;

  async function call(method, template, options = {}) {
    const res = await ws.request(method, template.replace('{id}', id), options);
    assertDocumented(method, template, res, options.body);
    return res;
  }

  before(async () => {
    ws = await Workspace.create();
    key = await ws.addUser(OWNER);
    await ws.start();
    const created = await ws.request('POST', '/api/v1/tasks', { body: CREATE_PUBLIC, key });
    assert.equal(created.status, 202);
    id = created.json.id;
    assert.equal((await ws.request('POST', `/api/v1/tasks/${id}/messages`, { body: APPEND_PUBLIC, key })).status, 200);
  });

  after(async () => {
    await ws?.stop();
  });

  const MODES = [
    ['live and public', { visibility: 'public' }, 3],
    ['pinned and unlisted', { visibility: 'unlisted', mode: 'pinned' }, 3],
    ['with the creator, unredacted, expiring in an hour',
      { visibility: 'public', mode: 'live', show_creator: true, redact: false,
        expires_at: new Date(Date.now() + HOUR_MS).toISOString() }, 3],
    ['with every optional field null', { visibility: 'public', mode: null, expires_at: null, show_creator: null,
      redact: null }, 3],
  ];
  for (const [name, body, count] of MODES) {
    it(`serves a valid SharedTaskResponse ${name}`, async () => {
      const put = await call('PUT', SHARE, { body, key });
      assert.equal(put.status, 200, put.buffer.toString('utf8'));
      assert.equal(put.json.share.mode, body.mode ?? 'live');
      assert.equal(put.json.share.visibility, body.visibility);
      const res = await call('GET', SHARE);
      assert.equal(res.status, 200);
      spec.assertValid('SharedTaskResponse', res.json, 'share body');
      assert.equal(res.json.is_shared, true);
      assert.equal(res.json.read_only, true);
      assert.equal(res.json.messages.length, count);
      assert.equal('created_by' in res.json.task, body.show_creator === true, 'created_by only when asked');
      assert.ok(!('secret_names' in res.json.task));
    });
  }

  it('keeps a pinned view valid and cut after more messages arrive', async () => {
    await call('PUT', SHARE, { body: { visibility: 'unlisted', mode: 'pinned' }, key });
    const more = { messages: [{ role: 'assistant', content: 'later' }] };
    assert.equal((await ws.request('POST', `/api/v1/tasks/${id}/messages`, { body: more, key })).status, 200);
    const res = await call('GET', SHARE);
    spec.assertValid('SharedTaskResponse', res.json, 'share body');
    assert.equal(res.json.messages.length, 3);
    const settings = await call('GET', SETTINGS, { key });
    assert.equal(settings.status, 200);
    assert.equal(settings.json.share.pinned_message_count, 3);
  });

  it('lists shared tasks with their settings', async () => {
    const shared = await ws.request('GET', '/api/v1/tasks?shared=true', { key });
    assertDocumented('GET', '/api/v1/tasks', shared);
    assert.deepStrictEqual(shared.json.tasks.map((t) => t.id), [id]);
    assert.equal(shared.json.tasks[0].share.task_id, id);
  });

  it('refuses a body the document refuses', async () => {
    assertError(await call('PUT', SHARE, { body: { visibility: 'public', mode: 'frozen' }, key }), 400);
    assertError(await call('PUT', SHARE, { body: { visibility: 'private' }, key }), 400);
    assertError(await call('PUT', SHARE, { body: { visibility: 'public' } }), 401);
  });

  it('stops sharing one task, then all', async () => {
    assert.equal((await call('DELETE', SHARE, { key })).status, 204);
    assertError(await call('GET', SHARE), 403, 'Task is not shared');
    await call('PUT', SHARE, { body: { visibility: 'public' }, key });
    const revoked = await call('POST', '/api/v1/shares/revoke-all', { key });
    assert.equal(revoked.status, 200);
    assert.deepStrictEqual(revoked.json, { revoked: 1, task_ids: [id], schedules_made_private: [] });
    assertError(await call('GET', SHARE), 403, 'Task is not shared');
  });
});
