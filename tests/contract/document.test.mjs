// src/api/openapi.json documents every route the server answers: for each operation its operationId,
// tag, security, request body, success responses and every error status it can answer, all errors as
// ErrorResponse but for the share page's own pages; and a HEAD beside every GET.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { deref, loadServerDocument, operations } from './support/documents.mjs';

const AUTH = [{ ApiKeyAuth: [] }, { BearerAuth: [] }];
// /metrics: an admin's key, or nothing on a server started with --metrics-public.
const AUTH_OR_PUBLIC = [...AUTH, {}];

// Statuses any request can get, whatever its route: 400 for a malformed request (its target or its
// HTTP framing), 413 for a body over --max-body-bytes, 431 for headers over --max-header-bytes.
const ANY = [400, 413, 431];
// Statuses of the routes that read the database: 500 for a bug or a corrupt row, 503 when the database
// stays locked or unreachable (or, where said, when secrets cannot be used).
const DB = [500, 503];
// The routes a caller needs a key for: 401.
const KEYED = [...ANY, 401, ...DB];
// Routes of one task, schedule or share that someone else owns or that does not exist.
const OWNED = [...KEYED, 403, 404];

// The API table of docs/api.md, and every status each operation can answer, from the server's code
// (src/api/router.cc and the handlers): 403 when the caller may not read or change the thing, or
// sharing is off; 404 for an unknown thing; 409 for a taken id or a quota's count; 413 for a size quota
// too; 429 when a client is over the rate of share requests (the share endpoint and the page alone).
// `success` is [status, schema name (null: no body; undefined: any JSON), media type when not JSON];
// `alsoSuccess` lists further statuses below 400 (a 304 of a cached response).
const README_OPERATIONS = [
  { method: 'get', path: '/api/v1/tasks/{id}/share', id: 'get-v1-tasks-id-share', auth: false,
    success: ['200', 'SharedTaskResponse'], alsoSuccess: ['304'], errors: [...ANY, 403, 404, 429, ...DB] },
  { method: 'put', path: '/api/v1/tasks/{id}/share', id: 'put-v1-tasks-id-share', auth: true,
    body: 'ShareSettingsRequest', success: ['200', 'ShareSettingsResponse'], errors: OWNED },
  { method: 'delete', path: '/api/v1/tasks/{id}/share', id: 'delete-v1-tasks-id-share', auth: true,
    success: ['204', null], errors: OWNED },
  { method: 'get', path: '/api/v1/tasks/{id}/share/settings', id: 'get-v1-tasks-id-share-settings', auth: true,
    success: ['200', 'ShareSettingsResponse'], errors: OWNED },
  { method: 'post', path: '/api/v1/shares/revoke-all', id: 'post-v1-shares-revoke-all', auth: true,
    success: ['200', 'RevokeAllSharesResponse'], errors: KEYED },
  { method: 'get', path: '/share/{id}', id: 'get-share-id', auth: false, page: true,
    success: ['200', undefined, 'text/html'], alsoSuccess: ['304'], errors: [...ANY, 403, 404, 429, ...DB] },
  { method: 'post', path: '/api/v1/tasks', id: 'post-v1-tasks', auth: true, body: 'CreateTaskRequest',
    success: ['202', 'CreateTaskResponse'], errors: [...KEYED, 409] },
  { method: 'get', path: '/api/v1/tasks', id: 'get-v1-tasks', auth: true,
    success: ['200', 'TaskListResponse'], errors: KEYED },
  { method: 'get', path: '/api/v1/tasks/{id}', id: 'get-v1-tasks-id', auth: true,
    success: ['200', 'TaskDetailsResponse'], errors: OWNED },
  { method: 'patch', path: '/api/v1/tasks/{id}', id: 'patch-v1-tasks-id', auth: true, body: 'PatchTaskRequest',
    success: ['200', 'PatchTaskResponse'], errors: OWNED },
  { method: 'delete', path: '/api/v1/tasks/{id}', id: 'delete-v1-tasks-id', auth: true,
    success: ['204', null], errors: OWNED },
  { method: 'post', path: '/api/v1/tasks/{id}/messages', id: 'post-v1-tasks-id-messages', auth: true,
    body: 'AppendMessagesRequest', success: ['200', 'AppendMessagesResponse'], errors: OWNED },
  { method: 'post', path: '/api/v1/schedules', id: 'post-v1-schedules', auth: true, body: 'CreateScheduleRequest',
    success: ['201', 'ScheduleResponse'], errors: [...KEYED, 409] },
  { method: 'get', path: '/api/v1/schedules', id: 'get-v1-schedules', auth: true,
    success: ['200', 'ScheduleListResponse'], errors: KEYED },
  { method: 'get', path: '/api/v1/schedules/{id}', id: 'get-v1-schedules-id', auth: true,
    success: ['200', 'ScheduleDetailsResponse'], errors: OWNED },
  { method: 'patch', path: '/api/v1/schedules/{id}', id: 'patch-v1-schedules-id', auth: true,
    body: 'PatchScheduleRequest', success: ['200', 'ScheduleResponse'], errors: [...OWNED, 409] },
  { method: 'delete', path: '/api/v1/schedules/{id}', id: 'delete-v1-schedules-id', auth: true,
    success: ['204', null], errors: OWNED },
  { method: 'get', path: '/api/v1/tasks/{id}/share/stats', id: 'get-v1-tasks-id-share-stats', auth: true,
    success: ['200', 'ShareStatsResponse'], errors: OWNED },
  { method: 'post', path: '/api/v1/secrets', id: 'post-v1-secrets', auth: true, body: 'CreateSecretRequest',
    success: ['201', 'SecretResponse'], errors: [...KEYED, 409] },
  { method: 'get', path: '/api/v1/secrets', id: 'get-v1-secrets', auth: true,
    success: ['200', 'SecretListResponse'], errors: KEYED },
  { method: 'delete', path: '/api/v1/secrets/{name}', id: 'delete-v1-secrets-name', auth: true,
    success: ['204', null], errors: [...KEYED, 404] },
  { method: 'get', path: '/api/v1/admin/sharing', id: 'get-v1-admin-sharing', auth: true,
    success: ['200', 'SharingSwitch'], errors: [...KEYED, 403] },
  { method: 'put', path: '/api/v1/admin/sharing', id: 'put-v1-admin-sharing', auth: true, body: 'SetSharingRequest',
    success: ['200', 'SharingSwitch'], errors: [...KEYED, 403] },
  { method: 'get', path: '/api/openapi.json', id: 'get-openapi-json', auth: false,
    success: ['200', undefined], errors: ANY },
  { method: 'get', path: '/healthz', id: 'get-healthz', auth: false,
    success: ['200', 'HealthResponse'], errors: ANY },
  { method: 'get', path: '/readyz', id: 'get-readyz', auth: false,
    success: ['200', 'ReadyResponse'], errors: [...ANY, 503] },
  { method: 'get', path: '/metrics', id: 'get-metrics', auth: AUTH_OR_PUBLIC,
    success: ['200', undefined, 'text/plain; version=0.0.4'], errors: [...KEYED, 403] },
  { method: 'get', path: '/api/v1/user/apikey', id: 'get-v1-user-apikey', auth: true,
    success: ['200', 'ApiKeyInfo'], errors: KEYED },
  { method: 'post', path: '/api/v1/user/apikey/rotate', id: 'post-v1-user-apikey-rotate', auth: true,
    success: ['201', 'RotatedApiKey'], errors: KEYED },
  // Signing in (docs/sign-in.md): pages and redirects, and the router's JSON 404 on a server started
  // without a provider (`jsonErrors`).
  { method: 'get', path: '/auth/sign-in', id: 'get-auth-sign-in', auth: false, page: true, jsonErrors: [400, 404],
    success: ['303', null], errors: [...ANY, 404, 429, ...DB] },
  { method: 'get', path: '/auth/callback', id: 'get-auth-callback', auth: false, page: true, jsonErrors: [404],
    success: ['303', null], errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/auth/sign-out', id: 'post-auth-sign-out', auth: false, page: true,
    jsonErrors: [400, 404], success: ['303', null], errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/auth/sign-out-everywhere', id: 'post-auth-sign-out-everywhere', auth: false, page: true,
    jsonErrors: [400, 404], success: ['303', null], errors: [...ANY, 403, 404, ...DB] },
  // The dashboard (docs/dashboard.md): pages and form posts with the session's CSRF token; an error of
  // the API operation an action calls is shown as a page (`htmlErrors`), and where the same status can
  // also come from the router before the route is known, as either (`mixedErrors`).
  { method: 'get', path: '/app', id: 'get-app', auth: false, page: true, jsonErrors: [404],
    success: ['200', undefined, 'text/html'], errors: [...ANY, 404, ...DB] },
  { method: 'get', path: '/app/shared', id: 'get-app-shared', auth: false, page: true, jsonErrors: [404],
    success: ['200', undefined, 'text/html'], alsoSuccess: ['303'], errors: [...ANY, 404, ...DB] },
  { method: 'get', path: '/app/account', id: 'get-app-account', auth: false, page: true, jsonErrors: [400, 404],
    success: ['200', undefined, 'text/html'], alsoSuccess: ['303'], errors: [...ANY, 404, ...DB] },
  { method: 'get', path: '/app/tasks/{id}', id: 'get-app-task', auth: false, page: true, mixedErrors: [404],
    success: ['200', undefined, 'text/html'], alsoSuccess: ['303'], errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/app/tasks/{id}/share', id: 'post-app-task-share', auth: false, page: true,
    formBody: true, mixedErrors: [404], success: ['303', null], errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/app/tasks/{id}/revoke', id: 'post-app-task-revoke', auth: false, page: true,
    formBody: true, mixedErrors: [404], success: ['303', null], errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/app/revoke-all', id: 'post-app-revoke-all', auth: false, page: true, formBody: true,
    jsonErrors: [400, 404], success: ['200', undefined, 'text/html'], alsoSuccess: ['303'],
    errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/app/apikey/rotate', id: 'post-app-apikey-rotate', auth: false, page: true, formBody: true,
    jsonErrors: [400, 404], success: ['200', undefined, 'text/html'], errors: [...ANY, 403, 404, ...DB] },
  { method: 'post', path: '/app/secrets', id: 'post-app-secrets', auth: false, page: true, formBody: true,
    jsonErrors: [404], htmlErrors: [409], mixedErrors: [413], success: ['303', null],
    errors: [...ANY, 403, 404, 409, ...DB] },
  { method: 'post', path: '/app/secrets/delete', id: 'post-app-secrets-delete', auth: false, page: true,
    formBody: true, mixedErrors: [404], success: ['303', null], errors: [...ANY, 403, 404, ...DB] },
];

// Every GET also answers HEAD: the same statuses and headers, no body.
const HEAD_OPERATIONS = README_OPERATIONS.filter((o) => o.method === 'get').map((o) => ({
  ...o, method: 'head', id: o.id.replace(/^get-/, 'head-'), of: o,
}));

const securityOf = (auth) => (auth === true ? AUTH : auth === false ? [] : auth);

const schemaRef = (name) => ({ $ref: `#/components/schemas/${name}` });

describe('coverage of docs/api.md API', () => {
  const doc = loadServerDocument();

  it('documents exactly the operations of docs/api.md, and HEAD beside every GET', () => {
    const documented = operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    const readme = [...README_OPERATIONS, ...HEAD_OPERATIONS].map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
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
        assert.deepStrictEqual(op.security ?? doc.security, securityOf(expected.auth));
      });

      it(expected.body ? `takes a required ${expected.body} body` : expected.formBody ? 'takes a form' : 'takes no body', () => {
        if (expected.formBody) {
          assert.equal(op.requestBody?.required, true);
          const form = op.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
          assert.deepStrictEqual(Object.keys(op.requestBody.content), ['application/x-www-form-urlencoded']);
          assert.ok(form.required.includes('csrf'), 'the CSRF token is required');
          return;
        }
        if (!expected.body) return assert.equal(op.requestBody, undefined);
        assert.equal(op.requestBody?.required, true);
        assert.deepStrictEqual(op.requestBody?.content, { 'application/json': { schema: schemaRef(expected.body) } });
      });

      it(`answers ${expected.success[0]} and every error status the server can give it`, () => {
        const [status, schema, mediaType = 'application/json'] = expected.success;
        const statuses = Object.keys(op.responses ?? {}).map(Number).filter((s) => s >= 400);
        assert.deepStrictEqual(statuses.sort(), [...new Set(expected.errors)].sort());
        const success = deref(doc, op.responses?.[status]);
        assert.ok(success, `documents ${status}`);
        assert.deepStrictEqual(Object.keys(op.responses).filter((s) => s < 400), [status, ...(expected.alsoSuccess ?? [])],
          'success statuses');
        if (schema === null) assert.equal(success.content, undefined, `${status} has no body`);
        else if (schema) assert.deepStrictEqual(success.content?.[mediaType]?.schema, schemaRef(schema));
        else assert.ok(success.content?.[mediaType]?.schema, `${status} is ${mediaType}`);
        assert.deepStrictEqual(Object.keys(success.content ?? {}), schema === null ? [] : [mediaType], 'media types');
      });

      it(expected.page ? 'answers its errors as pages, or as an ErrorResponse before routing' :
        'answers every error as an ErrorResponse', () => {
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          if (Number(status) < 400) continue;
          const r = deref(doc, response);
          assert.ok(r.description, `${status} has a description`);
          const json = { 'application/json': { schema: schemaRef('ErrorResponse') } };
          const html = { 'text/html': { schema: { type: 'string' } } };
          // The HTTP layer refuses oversized bodies and headers before any route is chosen, and the
          // router a malformed target: those are ErrorResponses on every route.
          let expectedContent = json;
          if (expected.page && [403, 404, 429, 500, 503].includes(Number(status))) expectedContent = html;
          if (expected.page && Number(status) === 400) expectedContent = { ...html, ...json };
          if ((expected.jsonErrors ?? []).includes(Number(status))) expectedContent = json;
          if ((expected.htmlErrors ?? []).includes(Number(status))) expectedContent = html;
          if ((expected.mixedErrors ?? []).includes(Number(status))) expectedContent = { ...json, ...html };
          assert.deepStrictEqual(r.content, expectedContent, `${status} body`);
        }
      });

      if (expected.errors.includes(429)) {
        it('says when to retry a 429', () => {
          const r = deref(doc, op.responses['429']);
          assert.equal(r.headers?.['Retry-After']?.required, true);
          assert.equal(r.headers['Retry-After'].schema?.type, 'integer');
        });
      }
    });
  }

  for (const expected of HEAD_OPERATIONS) {
    it(`HEAD ${expected.path} answers the statuses and headers of its GET, without a body`, () => {
      const head = doc.paths[expected.path]?.head;
      const get = doc.paths[expected.path].get;
      assert.ok(head, 'documented');
      assert.equal(head.operationId, expected.id);
      assert.deepStrictEqual(head.security, get.security);
      assert.deepStrictEqual(head.parameters, get.parameters);
      assert.deepStrictEqual(Object.keys(head.responses), Object.keys(get.responses));
      for (const [status, response] of Object.entries(head.responses)) {
        assert.equal(response.content, undefined, `${status} has no body`);
        assert.deepStrictEqual(response.headers, deref(doc, get.responses[status]).headers, `${status} headers`);
      }
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
      'PatchScheduleRequest', 'ShareSettingsRequest', 'CreateSecretRequest', 'SetSharingRequest']) {
      assert.equal(doc.components.schemas[name].additionalProperties, false, name);
    }
  });

  it('names the local server and a license', () => {
    assert.ok(doc.servers.some((s) => s.url === 'http://localhost:8080'));
    assert.ok(doc.info.license?.name);
  });
});
