// GET /api/v1/tasks/{id}/share against the real server: every response validates against the
// contract's schemas, carries docs/api.md's codes and messages, and returns each message exactly as it
// was sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertDocumented, assertError, assertShared } from './support/contract.mjs';
import { liveSkipReason } from './support/env.mjs';
import {
  APPEND_PUBLIC, CREATE_PUBLIC, IMPORT_SCHEDULED, IMPORT_SPARSE, OWNER, SCHEDULED_TASK, SPARSE_SHARED_TASK,
  anonymous, expectedFirstMessage, expectedMessages, returnedMessages,
} from './support/fixtures.mjs';
import { Workspace } from './support/server.mjs';

const UNKNOWN_ID = '5b0f6d8e-3c2a-4e1f-9d7b-8a6c4e2f0b19';
const UNLISTED_TASK_TEXT = 'Triage   the\n  alert queue of prod';

describe('GET /api/v1/tasks/{id}/share', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;
  let key;
  const ids = {};

  const share = (id, options) => ws.request('GET', `/api/v1/tasks/${id}/share`, options);

  async function create(body) {
    const res = await ws.request('POST', '/api/v1/tasks', { body, key });
    assert.equal(res.status, 202, `create: ${res.buffer.toString('utf8')}`);
    assertDocumented('POST', '/api/v1/tasks', res, body);
    return res.json.id;
  }

  before(async () => {
    ws = await Workspace.create();
    key = await ws.addUser(OWNER);
    ids.scheduled = await ws.importTask('scheduled.json', IMPORT_SCHEDULED, OWNER);
    ids.sparse = await ws.importTask('sparse.json', IMPORT_SPARSE, OWNER);
    await ws.start();

    ids.public = await create(CREATE_PUBLIC);
    const appended = await ws.request('POST', `/api/v1/tasks/${ids.public}/messages`, { body: APPEND_PUBLIC, key });
    assert.equal(appended.status, 200, `append: ${appended.buffer.toString('utf8')}`);
    assertDocumented('POST', '/api/v1/tasks/{id}/messages', appended, APPEND_PUBLIC);
    ids.unlisted = await create({ task: UNLISTED_TASK_TEXT, visibility: 'unlisted' });
    for (const visibility of ['private', 'team', 'support']) {
      ids[visibility] = await create({ title: `A ${visibility} task`, visibility });
    }
  });

  after(async () => {
    await ws?.stop();
  });

  it('import prints the id of each imported task in lower case', () => {
    assert.equal(ids.scheduled, SCHEDULED_TASK.id);
    assert.equal(ids.sparse, SPARSE_SHARED_TASK.id);
  });

  it('serves a public task with its messages byte for byte', async () => {
    const res = await share(ids.public);
    assertShared(res);
    const { task } = res.json;
    assert.equal(task.id, ids.public);
    assert.equal(task.title, 'Public pentest of api.example.com');
    assert.equal(task.visibility, 'public');
    assert.equal(task.status, 'pending');
    assert.equal(task.model, 'claude-sonnet-4');
    assert.deepStrictEqual(returnedMessages(res),
      [expectedFirstMessage(CREATE_PUBLIC), ...expectedMessages(APPEND_PUBLIC)]);
  });

  it('serves an unlisted task, its instruction stored as the first user message', async () => {
    const res = await share(ids.unlisted);
    assertShared(res);
    assert.equal(res.json.task.visibility, 'unlisted');
    assert.equal(res.json.task.title, 'Triage the alert queue of prod');
    assert.deepStrictEqual(res.json.messages, [{ role: 'user', content: UNLISTED_TASK_TEXT }]);
  });

  it('serves an imported scheduled task with its full schedule_info and exact messages', async () => {
    const res = await share(ids.scheduled);
    assertShared(res);
    assert.deepStrictEqual(res.json.task, anonymous(SCHEDULED_TASK));
    assert.deepStrictEqual(returnedMessages(res), expectedMessages(IMPORT_SCHEDULED));
  });

  it('leaves out the optional fields of an imported task that are absent or null', async () => {
    const res = await share(ids.sparse);
    assertShared(res);
    assert.deepStrictEqual(res.json.task, SPARSE_SHARED_TASK);
    assert.deepStrictEqual(returnedMessages(res), expectedMessages(IMPORT_SPARSE));
  });

  it('accepts the id in upper case and answers it in lower case', async () => {
    const res = await share(ids.scheduled.toUpperCase());
    assertShared(res);
    assert.equal(res.json.task.id, ids.scheduled);
  });

  for (const visibility of ['private', 'team', 'support']) {
    it(`answers 403 "Task is not shared" for a ${visibility} task`, async () => {
      const res = await share(ids[visibility]);
      assertError(res, 403, 'Task is not shared');
      assertDocumented('GET', '/api/v1/tasks/{id}/share', res);
    });
  }

  it("is unchanged by the owner's credentials", async () => {
    const publicRes = await share(ids.public, { key });
    assertShared(publicRes);
    const privateRes = await share(ids.private, { headers: { Authorization: `Bearer ${key}` } });
    assertError(privateRes, 403, 'Task is not shared');
  });

  it('answers 404 "Task not found" for an unknown id', async () => {
    const res = await share(UNKNOWN_ID);
    assertError(res, 404, 'Task not found');
    assertDocumented('GET', '/api/v1/tasks/{id}/share', res);
  });

  it('answers 400 invalid_request for a malformed id', async () => {
    for (const bad of ['not-a-uuid', '3f2b8c1e9a4d4e7b8c215d6a7b8c9d0e', `${UNKNOWN_ID}0`]) {
      const res = await share(bad);
      assertError(res, 400);
      assertDocumented('GET', '/api/v1/tasks/{id}/share', res);
    }
  });

  it('answers 403 on the very next request once a public task is made private', async () => {
    const id = await create({ title: 'Briefly public', visibility: 'public' });
    assertShared(await share(id));
    const body = { visibility: 'private' };
    const patched = await ws.request('PATCH', `/api/v1/tasks/${id}`, { body, key });
    assert.equal(patched.status, 200, `patch: ${patched.buffer.toString('utf8')}`);
    assertDocumented('PATCH', '/api/v1/tasks/{id}', patched, body);
    assertError(await share(id), 403, 'Task is not shared');
  });

  it('answers 404 "Task not found" once the task is deleted', async () => {
    const id = await create({ title: 'Soon gone', visibility: 'public' });
    assertShared(await share(id));
    const deleted = await ws.request('DELETE', `/api/v1/tasks/${id}`, { key });
    assert.equal(deleted.status, 204);
    assertDocumented('DELETE', '/api/v1/tasks/{id}', deleted);
    assertError(await share(id), 404, 'Task not found');
  });
});
