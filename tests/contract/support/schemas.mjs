// JSON Schema validators over the component schemas of an OpenAPI document, with Ajv's draft 2020-12
// dialect (the dialect of OpenAPI 3.1) and the uuid, date-time and email formats.
//
// Two keywords of the contract's schemas are not JSON Schema 2020-12:
// - `nullable: true` (OpenAPI 3.0). Ajv implements it natively with OpenAPI 3.0.3's meaning: it adds
//   null to the schema's `type`, while an `enum` still has to list null for null to pass. The server
//   leaves unset optional fields out instead of sending null, so responses never depend on it.
// - `example` (OpenAPI's single example), an annotation with no effect on validation.
// `components` is the container the schemas are looked up in (their `$ref`s are
// "#/components/schemas/X"), declared so that strict mode accepts it at the root.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export class SchemaSet {
  #ajv;
  #id;

  // `doc` is an OpenAPI document; `id` names it in error messages and `$ref` resolution.
  constructor(doc, id) {
    this.#id = id;
    this.#ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: true });
    addFormats(this.#ajv);
    this.#ajv.addKeyword('example');
    this.#ajv.addKeyword('components');
    this.#ajv.addSchema({ $id: id, components: { schemas: doc.components.schemas } });
  }

  // The validator of components.schemas[name].
  validator(name) {
    const v = this.#ajv.getSchema(`${this.#id}#/components/schemas/${name}`);
    if (!v) throw new Error(`${this.#id} has no schema ${name}`);
    return v;
  }

  // Throws an Error listing Ajv's findings unless `data` validates against components.schemas[name].
  assertValid(name, data, what = name) {
    this.#check(this.validator(name), data, `${what} against ${this.#id} ${name}`);
  }

  // The same for a schema object of the document: a `$ref` to one of its component schemas, or an
  // inline schema without references.
  assertMatches(schema, data, what) {
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(schema?.$ref ?? '');
    if (m) return this.assertValid(m[1], data, what);
    return this.#check(this.#ajv.compile(schema), data, `${what} against an inline schema of ${this.#id}`);
  }

  // Whether `data` validates against a schema object of the document (see assertMatches).
  matches(schema, data) {
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(schema?.$ref ?? '');
    return (m ? this.validator(m[1]) : this.#ajv.compile(schema))(data);
  }

  #check(validate, data, what) {
    if (validate(data)) return;
    const details = this.#ajv.errorsText(validate.errors, { separator: '\n  ', dataVar: 'value' });
    throw new Error(`validation failed: ${what}:\n  ${details}\nvalue: ${JSON.stringify(data)}`);
  }
}
