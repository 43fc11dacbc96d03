// Checks of live responses: against the contract's schemas (taken from spec/neo-get-shared-task.md,
// never from our own document) and against what src/api/openapi.json documents for the operation.
import assert from 'node:assert/strict';

import { deref, loadServerDocument, loadSpecDocument } from './documents.mjs';
import { SchemaSet } from './schemas.mjs';

export const specDoc = loadSpecDocument();
export const serverDoc = loadServerDocument();
export const spec = new SchemaSet(specDoc, 'urn:taskshare:neo-spec');
const documented = new SchemaSet(serverDoc, 'urn:taskshare:openapi');

// The error table of docs/api.md: status -> [code, kind].
const ERRORS = {
  400: ['invalid_request', 'invalid request'],
  401: ['unauthorized', 'unauthorized request'],
  403: ['forbidden', 'forbidden request'],
  404: ['not_exists', 'not found'],
  405: ['invalid_request', 'invalid request'],
  409: ['already_exists', 'conflict'],
  413: ['payload_too_large', 'payload too large'],
  429: ['rate_limited', 'too many requests'],
  431: ['payload_too_large', 'payload too large'],
  500: ['internal', 'internal error'],
  503: ['unavailable', 'service unavailable'],
};

// Asserts that `res` is docs/api.md's error for `status`: a JSON body valid against the contract's
// ErrorResponse, with the table's code and kind, `message` = kind + ": " + error, and, when given, the
// exact `error` text (a string) or an `error` that matches it (a RegExp).
export function assertError(res, status, error) {
  assert.equal(res.status, status, `status (body: ${res.buffer.toString('utf8')})`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
  spec.assertValid('ErrorResponse', res.json, `${status} body`);
  const [code, kind] = ERRORS[status];
  assert.equal(res.json.code, code, 'code');
  assert.equal(res.json.kind, kind, 'kind');
  assert.equal(res.json.message, `${kind}: ${res.json.error}`, 'message');
  if (typeof error === 'string') assert.equal(res.json.error, error, 'error');
  else if (error instanceof RegExp) assert.match(res.json.error, error, 'error');
}

// Asserts that our document lists res.status for the operation `method` `pathTemplate`, that the
// response carries the headers it documents as required, and that the body validates against the
// schema it documents for the response's media type (or that there is no body when it documents none,
// and always for HEAD). When the request had a JSON `requestBody`, also asserts that the documented
// request schema agrees with the server: it accepts the body when the server did (2xx), and refuses it
// when the server answered 400 (every 400 these tests provoke with a body is about the body).
export function assertDocumented(method, pathTemplate, res, requestBody) {
  const op = serverDoc.paths[pathTemplate]?.[method.toLowerCase()];
  assert.ok(op, `openapi.json documents ${method} ${pathTemplate}`);
  if (requestBody !== undefined) checkRequestBody(op, `${method} ${pathTemplate}`, requestBody, res.status);
  const response = deref(serverDoc, op.responses[String(res.status)]);
  assert.ok(response, `openapi.json documents status ${res.status} for ${method} ${pathTemplate}`);
  const what = `${method} ${pathTemplate} ${res.status}`;
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required) assert.ok(res.headers.get(name) !== null, `${what} carries ${name}`);
  }
  if (!response.content || method === 'HEAD') return assert.equal(res.buffer.length, 0, `${what} body is empty`);
  const type = mediaType(res.headers.get('content-type') ?? '');
  const documentedType = Object.keys(response.content).find((t) => mediaType(t) === type);
  assert.ok(documentedType, `${what}: openapi.json documents its content type ${type}`);
  const { schema } = response.content[documentedType];
  if (type !== 'application/json') return documented.assertMatches(schema, res.buffer.toString('utf8'), `${what} body`);
  assert.ok(res.json !== undefined, `${what} body is JSON`);
  documented.assertMatches(schema, res.json, `${what} body`);
}

// The type and subtype of a Content-Type value, without parameters.
function mediaType(contentType) {
  return contentType.split(';')[0].trim().toLowerCase();
}

function checkRequestBody(op, what, body, status) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  assert.ok(schema, `openapi.json documents a request body for ${what}`);
  let value;
  try {
    value = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    return;  // not JSON at all: no schema can say anything about it
  }
  if (status < 300) documented.assertMatches(schema, value, `${what} request body`);
  if (status === 400) {
    assert.ok(!documented.matches(schema, value),
      `the server refused a ${what} body that openapi.json accepts: ${JSON.stringify(value)}`);
  }
}

// Asserts docs/api.md's share response: 200, valid against the contract's SharedTaskResponse, shared and
// read-only, without the owner's email or the secret names.
export function assertShared(res) {
  assert.equal(res.status, 200, `status (body: ${res.buffer.toString('utf8')})`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
  spec.assertValid('SharedTaskResponse', res.json, 'share body');
  assert.equal(res.json.is_shared, true, 'is_shared');
  assert.equal(res.json.read_only, true, 'read_only');
  assert.ok(!('created_by' in res.json.task), 'the anonymous view has no created_by');
  assert.ok(!('secret_names' in res.json.task), 'the anonymous view has no secret_names');
  assertDocumented('GET', '/api/v1/tasks/{id}/share', res);
}
