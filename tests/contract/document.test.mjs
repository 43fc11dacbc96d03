// src/api/openapi.json documents every operation of docs/api.md: its operationId, tag, security,
// request body, success response and the error statuses docs/api.md gives it, all errors as
// ErrorResponse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { deref, loadServerDocument, operations } from './support/documents.mjs';

const AUTH = [{ ApiKeyAuth: [] }, { BearerAuth: [] }];

// The API table of docs/api.md. `errors` are the statuses that each operation can answer according to the
// docs/api.md: 400 for a malformed id, body or query; 401 without a valid key; 403 when the caller may not
// read or change the task; 404 for an unknown task; 409 for a taken id or a quota's limit reached; 413
// for an oversized body or a size quota; 431 for oversized headers (any request); 500 for a bug or a
// corrupt row.
const README_OPERATIONS = [
  { method: 'get', path: '/api/v1/tasks/{id}/share', id: 'get-v1-tasks-id-share', auth: false,
    success: ['200', 'SharedTaskResponse'], errors: [400, 403, 404, 431, 500] },
  { method: 'put', path: '/api/v1/tasks/{id}/share', id: 'put-v1-tasks-id-share', auth: true,
    body: 'ShareSettingsRequest', success: ['200', 'ShareSettingsResponse'],
    errors: [400, 401, 403, 404, 413, 431, 500] },
  { method: 'delete', path: '/api/v1/tasks/{id}/share', id: 'delete-v1-tasks-id-share', auth: true,
    success: ['204', null], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'get', path: '/api/v1/tasks/{id}/share/settings', id: 'get-v1-tasks-id-share-settings', auth: true,
    success: ['200', 'ShareSettingsResponse'], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'post', path: '/api/v1/shares/revoke-all', id: 'post-v1-shares-revoke-all', auth: true,
    success: ['200', 'RevokeAllSharesResponse'], errors: [400, 401, 431, 500] },
  { method: 'post', path: '/api/v1/tasks', id: 'post-v1-tasks', auth: true, body: 'CreateTaskRequest',
    success: ['202', 'CreateTaskResponse'], errors: [400, 401, 409, 413, 431, 500] },
  { method: 'get', path: '/api/v1/tasks', id: 'get-v1-tasks', auth: true,
    success: ['200', 'TaskListResponse'], errors: [400, 401, 431, 500] },
  { method: 'get', path: '/api/v1/tasks/{id}', id: 'get-v1-tasks-id', auth: true,
    success: ['200', 'TaskDetailsResponse'], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'patch', path: '/api/v1/tasks/{id}', id: 'patch-v1-tasks-id', auth: true, body: 'PatchTaskRequest',
    success: ['200', 'PatchTaskResponse'], errors: [400, 401, 403, 404, 413, 431, 500] },
  { method: 'delete', path: '/api/v1/tasks/{id}', id: 'delete-v1-tasks-id', auth: true,
    success: ['204', null], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'post', path: '/api/v1/tasks/{id}/messages', id: 'post-v1-tasks-id-messages', auth: true,
    body: 'AppendMessagesRequest', success: ['200', 'AppendMessagesResponse'],
    errors: [400, 401, 403, 404, 413, 431, 500] },
  { method: 'post', path: '/api/v1/schedules', id: 'post-v1-schedules', auth: true, body: 'CreateScheduleRequest',
    success: ['201', 'ScheduleResponse'], errors: [400, 401, 409, 413, 431, 500] },
  { method: 'get', path: '/api/v1/schedules', id: 'get-v1-schedules', auth: true,
    success: ['200', 'ScheduleListResponse'], errors: [400, 401, 431, 500] },
  { method: 'get', path: '/api/v1/schedules/{id}', id: 'get-v1-schedules-id', auth: true,
    success: ['200', 'ScheduleDetailsResponse'], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'patch', path: '/api/v1/schedules/{id}', id: 'patch-v1-schedules-id', auth: true,
    body: 'PatchScheduleRequest', success: ['200', 'ScheduleResponse'],
    errors: [400, 401, 403, 404, 409, 413, 431, 500] },
  { method: 'delete', path: '/api/v1/schedules/{id}', id: 'delete-v1-schedules-id', auth: true,
    success: ['204', null], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'get', path: '/api/v1/tasks/{id}/share/stats', id: 'get-v1-tasks-id-share-stats', auth: true,
    success: ['200', 'ShareStatsResponse'], errors: [400, 401, 403, 404, 431, 500] },
  { method: 'post', path: '/api/v1/secrets', id: 'post-v1-secrets', auth: true, body: 'CreateSecretRequest',
    success: ['201', 'SecretResponse'], errors: [400, 401, 409, 413, 431, 500, 503] },
  { method: 'get', path: '/api/v1/secrets', id: 'get-v1-secrets', auth: true,
    success: ['200', 'SecretListResponse'], errors: [401, 431, 500] },
  { method: 'delete', path: '/api/v1/secrets/{name}', id: 'delete-v1-secrets-name', auth: true,
    success: ['204', null], errors: [400, 401, 404, 431, 500] },
  { method: 'get', path: '/api/openapi.json', id: 'get-openapi-json', auth: false,
    success: ['200', undefined], errors: [431] },
  { method: 'get', path: '/healthz', id: 'get-healthz', auth: false,
    success: ['200', 'HealthResponse'], errors: [431] },
  { method: 'get', path: '/api/v1/user/apikey', id: 'get-v1-user-apikey', auth: true,
    success: ['200', 'ApiKeyInfo'], errors: [401, 431, 500] },
  { method: 'post', path: '/api/v1/user/apikey/rotate', id: 'post-v1-user-apikey-rotate', auth: true,
    success: ['201', 'RotatedApiKey'], errors: [400, 401, 431, 500] },
];

const schemaRef = (name) => ({ $ref: `#/components/schemas/${name}` });

describe('coverage of docs/api.md API', () => {
  const doc = loadServerDocument();

  it('documents exactly the operations of docs/api.md', () => {
    const documented = operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    const readme = README_OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    assert.deepStrictEqual(documented, readme);
  });

  for (const expected of README_OPERATIONS) {
    describe(`${expected.method.toUpperCase()} ${expected.path}`, () => {
      const op = doc.paths[expected.path]?.[expected.method] ?? {};

      it(`has operationId ${expected.id}, a summary and a declared tag`, () => {
        assert.equal(op.operationId, expected.id);
        assert.ok(op.summary, 'summary');
        assert.ok(op.tags?.length > 0, 'tags');
        for (const tag of op.tags) assert.ok(doc.tags.some((t) => t.name === tag), `tag ${tag} is declared`);
      });

      it(expected.auth ? 'takes X-Api-Key or a bearer token' : 'needs no credentials', () => {
        assert.deepStrictEqual(op.security ?? doc.security, expected.auth ? AUTH : []);
      });

      it(expected.body ? `takes a required ${expected.body} body` : 'takes no body', () => {
        if (!expected.body) return assert.equal(op.requestBody, undefined);
        assert.equal(op.requestBody?.required, true);
        assert.deepStrictEqual(op.requestBody?.content, { 'application/json': { schema: schemaRef(expected.body) } });
      });

      it(`answers ${expected.success[0]} and docs/api.md's error statuses`, () => {
        const [status, schema] = expected.success;
        const statuses = Object.keys(op.responses ?? {}).map(Number).filter((s) => s >= 400);
        assert.deepStrictEqual(statuses.sort(), [...expected.errors].sort());
        const success = deref(doc, op.responses?.[status]);
        assert.ok(success, `documents ${status}`);
        assert.deepStrictEqual(Object.keys(op.responses).filter((s) => s < 400), [status], 'one success status');
        if (schema === null) assert.equal(success.content, undefined, `${status} has no body`);
        else if (schema) assert.deepStrictEqual(success.content?.['application/json']?.schema, schemaRef(schema));
        else assert.ok(success.content?.['application/json']?.schema, `${status} is JSON`);
      });

      it('answers every error as an ErrorResponse', () => {
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          if (Number(status) < 400) continue;
          const r = deref(doc, response);
          assert.ok(r.description, `${status} has a description`);
          assert.deepStrictEqual(r.content, { 'application/json': { schema: schemaRef('ErrorResponse') } },
            `${status} body`);
        }
      });
    });
  }

  it('declares the API key in X-Api-Key and as a bearer token', () => {
    const { ApiKeyAuth, BearerAuth } = doc.components.securitySchemes;
    assert.deepStrictEqual({ type: ApiKeyAuth.type, in: ApiKeyAuth.in, name: ApiKeyAuth.name },
      { type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    assert.deepStrictEqual({ type: BearerAuth.type, scheme: BearerAuth.scheme }, { type: 'http', scheme: 'bearer' });
  });

  it('uses the enums of TaskInfo in requests and query parameters', () => {
    const { schemas } = doc.components;
    const task = schemas.TaskInfo.properties;
    const create = schemas.CreateTaskRequest.properties;
    const patch = schemas.PatchTaskRequest.properties;
    const query = Object.fromEntries(doc.paths['/api/v1/tasks'].get.parameters.map((p) => [p.name, p.schema]));
    assert.deepStrictEqual(create.visibility.enum, task.visibility.enum);
    assert.deepStrictEqual(create.source.enum, task.source.enum);
    assert.deepStrictEqual(create.completion_delivery.enum, task.completion_delivery.enum);
    assert.deepStrictEqual(patch.status.enum, task.status.enum);
    assert.deepStrictEqual(patch.visibility.enum, task.visibility.enum);
    assert.deepStrictEqual(query.status.enum, task.status.enum);
    assert.deepStrictEqual(query.visibility.enum, task.visibility.enum);
    assert.deepStrictEqual(schemas.ShareSettings.properties.visibility.enum, task.visibility.enum);
    for (const v of schemas.ShareSettingsRequest.properties.visibility.enum) assert.ok(task.visibility.enum.includes(v));
  });

  it('uses the enums of ScheduleInfo and ExecutionInfo in the Schedules API', () => {
    const { schemas } = doc.components;
    const info = schemas.ScheduleInfo.properties;
    const execution = schemas.ExecutionInfo.properties;
    const schedule = schemas.Schedule.properties;
    for (const name of ['CreateScheduleRequest', 'PatchScheduleRequest', 'Schedule']) {
      const props = schemas[name].properties;
      assert.deepStrictEqual(props.scan_frequency.enum, info.scan_frequency.enum, `${name}.scan_frequency`);
      assert.deepStrictEqual(props.schedule_type.enum, info.schedule_type.enum, `${name}.schedule_type`);
    }
    assert.deepStrictEqual(schedule.status.enum, info.schedule_status.enum);
    assert.deepStrictEqual(schemas.Execution.properties.status.enum, execution.status.enum);
    const query = Object.fromEntries(doc.paths['/api/v1/schedules'].get.parameters.map((p) => [p.name, p.schema]));
    assert.deepStrictEqual(query.status.enum, info.schedule_status.enum);
  });

  it('refuses unknown fields in request bodies, as docs/api.md says', () => {
    for (const name of ['CreateTaskRequest', 'PatchTaskRequest', 'AppendMessagesRequest', 'CreateScheduleRequest',
      'PatchScheduleRequest', 'ShareSettingsRequest', 'CreateSecretRequest']) {
      assert.equal(doc.components.schemas[name].additionalProperties, false, name);
    }
  });

  it('names the local server and a license', () => {
    assert.ok(doc.servers.some((s) => s.url === 'http://localhost:8080'));
    assert.ok(doc.info.license?.name);
  });
});
