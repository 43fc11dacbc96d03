// src/api/openapi.json keeps the contract of spec/neo-get-shared-task.md: its five schemas are equal to
// the contract's, and its share operation is the contract's plus only the responses the server adds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SHARE_PATH, SPEC_SCHEMAS, deref, loadServerDocument, loadSpecDocument } from './support/documents.mjs';

// Responses of the share operation that the server gives beyond the contract's 200, 403, 404 and 500:
// a 304 to a matching If-None-Match; 400 for a malformed id or request; 413 and 431 for a body or
// headers over their limits; 429 past the rate of share requests; 503 when the task's secrets cannot
// be read or the database is unreachable. All but the 304 are ErrorResponses.
const README_SHARE_RESPONSES = ['304', '400', '413', '429', '431', '503'];

describe('fidelity to the Neo contract', () => {
  const spec = loadSpecDocument();
  const ours = loadServerDocument();

  it('is an OpenAPI 3.1.0 document, like the contract', () => {
    assert.equal(spec.openapi, '3.1.0');
    assert.equal(ours.openapi, spec.openapi);
  });

  for (const name of SPEC_SCHEMAS) {
    it(`has the contract's ${name} schema, unchanged`, () => {
      assert.ok(spec.components.schemas[name], `the contract defines ${name}`);
      assert.deepStrictEqual(ours.components.schemas[name], spec.components.schemas[name]);
    });
  }

  it("has the contract's share operation, adding only the server's other responses", () => {
    const specItem = spec.paths[SHARE_PATH];
    const ourItem = ours.paths[SHARE_PATH];
    assert.ok(ourItem, `${SHARE_PATH} is documented`);
    // The owner's PUT and DELETE of the share settings live on the same path, and the HEAD of the
    // contract's GET; the GET is unchanged beside them.
    const ownerMethods = ['head', 'put', 'delete'];
    assert.deepStrictEqual(Object.keys(ourItem).filter((m) => !ownerMethods.includes(m)), Object.keys(specItem),
      'methods of the share path');

    const { responses: specResponses, ...specRest } = specItem.get;
    const { responses: ourResponses, ...ourRest } = ourItem.get;
    assert.deepStrictEqual(ourRest, specRest, 'operation fields other than responses');
    for (const [status, response] of Object.entries(specResponses)) {
      assert.deepStrictEqual(ourResponses[status], response, `response ${status}`);
    }
    const added = Object.keys(ourResponses).filter((s) => !(s in specResponses)).sort();
    assert.deepStrictEqual(added, README_SHARE_RESPONSES, 'responses beyond the contract');
    for (const status of added.filter((s) => s !== '304')) {
      const response = deref(ours, ourResponses[status]);
      assert.deepStrictEqual(response.content, specResponses['403'].content,
        `response ${status} is an ErrorResponse, like the contract's errors`);
    }
  });

  it('keeps the share operation unauthenticated, as the contract does', () => {
    assert.deepStrictEqual(spec.security, []);
    assert.deepStrictEqual(ours.security, spec.security, 'document-wide security');
    assert.equal(ours.paths[SHARE_PATH].get.security, undefined, 'no security of its own');
  });

  it("describes the operation's Tasks tag as the contract does", () => {
    const tag = (doc) => doc.tags.find((t) => t.name === 'Tasks');
    assert.deepStrictEqual(tag(ours), tag(spec));
  });
});
