// The two OpenAPI documents the tests compare: the contract's (the YAML block of
// spec/neo-get-shared-task.md) and the server's own (src/api/openapi.json).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

import { openApiPath, specPath } from './env.mjs';

// The five schemas and the one operation that the contract defines.
export const SPEC_SCHEMAS = ['SharedTaskResponse', 'TaskInfo', 'ScheduleInfo', 'ExecutionInfo', 'ErrorResponse'];
export const SHARE_PATH = '/api/v1/tasks/{id}/share';

export function loadSpecDocument() {
  const markdown = readFileSync(specPath, 'utf8');
  const blocks = [...markdown.matchAll(/^````yaml[^\n]*\n([\s\S]*?)\n````/gm)];
  if (blocks.length !== 1) throw new Error(`expected one yaml block in ${specPath}, found ${blocks.length}`);
  return parse(blocks[0][1]);
}

export function loadServerDocument() {
  return JSON.parse(readFileSync(openApiPath, 'utf8'));
}

// Follows a local `$ref` ("#/components/responses/X") inside `doc`; other values come back unchanged.
export function deref(doc, value) {
  if (!value || typeof value.$ref !== 'string') return value;
  if (!value.$ref.startsWith('#/')) throw new Error(`non-local $ref ${value.$ref}`);
  const target = value.$ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((node, part) => node?.[part], doc);
  if (target === undefined) throw new Error(`unresolved $ref ${value.$ref}`);
  return deref(doc, target);
}

// Every operation of `doc` as {method, path, operation}.
export function operations(doc) {
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((method) => ({ method, path, operation: item[method] })));
}
