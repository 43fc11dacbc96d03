// The Schedules API and the tasks it produces against the real server, with its scheduler's clock
// driven through the test-only `serve --scheduler-clock-file`: every response is one that
// src/api/openapi.json documents, and the share response of a scheduled task validates against the
// spec's SharedTaskResponse (so its TaskInfo, ScheduleInfo and ExecutionInfo) and tells the truth
// about its schedule.
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { assertDocumented, assertError, assertShared, spec } from './support/contract.mjs';
import { liveSkipReason } from './support/env.mjs';
import { OWNER } from './support/fixtures.mjs';
import { Workspace } from './support/server.mjs';

const OTHER = 'other@example.com';

describe('Schedules API and scheduled tasks', { skip: liveSkipReason() ?? false, timeout: 120_000 }, () => {
  let ws;
  let key;
  let otherKey;
  let clockFile;

  // Moves the server's clock; the file is replaced whole, so it is never read half-written.
  async function setClock(rfc3339) {
    await writeFile(`${clockFile}.tmp`, `${rfc3339}\n`);
    await rename(`${clockFile}.tmp`, clockFile);
  }

  // Sends a request and checks its response against the operation's documentation in openapi.json,
  // and its body, when `checkBody`, against the documented request schema.
  async function call(method, template, { id, query = '', checkBody = true, ...options } = {}) {
    const res = await ws.request(method, template.replace('{id}', id ?? '') + query, options);
    assertDocumented(method, template, res, checkBody ? options.body : undefined);
    return res;
  }

  // The caller's scheduled tasks made by schedule `id`, once there are `count` of them (the scheduler
  // ticks every 50 ms under a clock file).
  async function tasksOf(id, count) {
    let tasks = [];
    for (let i = 0; i < 200; i++) {
      const res = await call('GET', '/api/v1/tasks', { query: '?is_scheduled=true&limit=100', key });
      assert.equal(res.status, 200);
      tasks = res.json.tasks.filter((t) => t.schedule_info?.schedule_id === id);
      if (tasks.length >= count) break;
      await sleep(25);
    }
    assert.equal(tasks.length, count, `tasks of schedule ${id}`);
    return tasks;
  }

  before(async () => {
    ws = await Workspace.create();
    key = await ws.addUser(OWNER);
    otherKey = await ws.addUser(OTHER);
    clockFile = join(ws.dir, 'clock');
    await setClock('2031-01-31T08:00:00Z');
    await ws.start('--scheduler-clock-file', clockFile);
  });

  after(async () => {
    await ws?.stop();
  });

  it('serves a scheduled task whose share response validates and carries its ScheduleInfo', async () => {
    const body = {
      name: 'Monthly external scan', task_message: 'Scan the perimeter of example.com',
      schedule_type: 'recurring', scan_frequency: 'monthly', start_time: '10:00',
      selected_visibility_type: 'public', model: 'auto', secrets: ['SHODAN_KEY'],
    };
    const created = await call('POST', '/api/v1/schedules', { body, key });
    assert.equal(created.status, 201, created.buffer.toString('utf8'));
    const schedule = created.json.schedule;
    assert.equal(schedule.next_execution_at, '2031-01-31T10:00:00Z');

    await setClock('2031-01-31T10:00:00Z');
    const [first] = await tasksOf(schedule.id, 1);
    let res = await call('GET', '/api/v1/tasks/{id}/share', { id: first.id });
    assertShared(res);
    const { task } = res.json;
    assert.equal(task.is_scheduled, true);
    assert.equal(task.visibility, 'public');
    assert.equal(task.status, 'pending');
    assert.equal(task.title, 'Monthly external scan');
    assert.deepStrictEqual(res.json.messages, [{ role: 'user', content: body.task_message }]);
    spec.assertValid('ScheduleInfo', task.schedule_info);
    spec.assertValid('ExecutionInfo', task.schedule_info.execution_info);
    const { execution_info: execution, ...info } = task.schedule_info;
    assert.deepStrictEqual(info, {
      schedule_id: schedule.id, schedule_name: 'Monthly external scan', schedule_type: 'recurring',
      schedule_status: 'active', execution_count: 1, last_executed_at: '2031-01-31T10:00:00Z',
      next_execution_at: '2031-02-28T10:00:00Z', scan_frequency: 'monthly', start_time: '10:00',
    });
    assert.equal(execution.status, 'pending');
    assert.equal(execution.scheduled_at, '2031-01-31T10:00:00Z');
    assert.equal(execution.started_at, '2031-01-31T10:00:00Z');
    assert.ok(!('completed_at' in execution));

    // The task finishes: its execution follows, in the share response too.
    const patched = await call('PATCH', '/api/v1/tasks/{id}', { id: first.id, body: { status: 'completed' }, key });
    assert.equal(patched.status, 200);
    await setClock('2031-02-10T00:00:00Z');
    res = await call('GET', '/api/v1/tasks/{id}/share', { id: first.id });
    assertShared(res);
    assert.equal(res.json.task.schedule_info.execution_info.status, 'completed');
    spec.assertValid('ExecutionInfo', res.json.task.schedule_info.execution_info);
    assert.match(res.json.task.schedule_info.execution_info.completed_at, /Z$/);

    // February is short: the next run is on its last day, and the March one on the 31st again. The
    // first task's share response follows the schedule.
    await setClock('2031-02-28T10:00:00Z');
    const [second] = await tasksOf(schedule.id, 2);
    res = await call('GET', '/api/v1/tasks/{id}/share', { id: second.id });
    assertShared(res);
    assert.equal(res.json.task.schedule_info.execution_info.scheduled_at, '2031-02-28T10:00:00Z');
    assert.equal(res.json.task.schedule_info.next_execution_at, '2031-03-31T10:00:00Z');
    res = await call('GET', '/api/v1/tasks/{id}/share', { id: first.id });
    assertShared(res);
    assert.equal(res.json.task.schedule_info.execution_count, 2);
    assert.equal(res.json.task.schedule_info.execution_info.scheduled_at, '2031-01-31T10:00:00Z');

    const details = await call('GET', '/api/v1/schedules/{id}', { id: schedule.id, key });
    assert.equal(details.status, 200);
    assert.deepStrictEqual(details.json.executions.map((e) => e.task_id), [second.id, first.id]);
    for (const e of details.json.executions) {
      const { task_id: _ignored, ...executionInfo } = e;
      spec.assertValid('ExecutionInfo', executionInfo);
    }
  });

  it('documents every answer of the Schedules API, errors included', async () => {
    const created = await call('POST', '/api/v1/schedules', {
      body: { task_message: 'Once', schedule_type: 'one_time', run_at: '2h' }, key,
    });
    assert.equal(created.status, 201);
    const { id } = created.json.schedule;
    const listed = await call('GET', '/api/v1/schedules', { query: '?limit=1', key });
    assert.equal(listed.status, 200);
    assert.equal(listed.json.schedules.length, 1);
    assert.equal(listed.json.has_more, true);

    const renamed = await call('PATCH', '/api/v1/schedules/{id}', { id, body: { name: 'Once, renamed' }, key });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.json.schedule.name, 'Once, renamed');
    assert.equal(renamed.json.schedule.run_at, created.json.schedule.run_at);

    // Refused by the schema and by the server alike.
    assertError(await call('POST', '/api/v1/schedules', { body: { task_message: 'x' }, key }), 400,
      'scan_frequency is required for recurring schedules');
    assertError(await call('POST', '/api/v1/schedules', {
      body: { task_message: 'x', scan_frequency: 'daily', start_time: '7:00' }, key,
    }), 400, 'start_time must be HH:MM (24-hour, UTC)');
    assertError(await call('PATCH', '/api/v1/schedules/{id}', { id, body: {}, key }), 400,
      'nothing to change: send at least one field');
    // Refused by the server for what the schedule is, which no request schema can know.
    assertError(await call('PATCH', '/api/v1/schedules/{id}', {
      id, body: { schedule_type: 'recurring' }, key, checkBody: false,
    }), 400, 'schedule_type cannot change from one_time to recurring; delete the schedule and create a new one');

    assertError(await call('GET', '/api/v1/schedules/{id}', { id, key: otherKey }), 403);
    assertError(await call('DELETE', '/api/v1/schedules/{id}', { id, key: otherKey }), 403);
    assertError(await call('GET', '/api/v1/schedules/{id}', { id: 'nope', key }), 400, 'schedule id must be a UUID');
    assertError(await call('GET', '/api/v1/schedules', {}), 401);
    const deleted = await call('DELETE', '/api/v1/schedules/{id}', { id, key });
    assert.equal(deleted.status, 204);
    assertError(await call('GET', '/api/v1/schedules/{id}', { id, key }), 404, 'Schedule not found');
    assertError(await call('PATCH', '/api/v1/schedules/{id}', { id, body: { name: 'x' }, key }), 404);
  });
});
