// The Neo contract (spec/neo-get-shared-task.md) is an OpenAPI 3.1 document whose ScheduleInfo and
// ExecutionInfo schemas still use OpenAPI 3.0's `nullable: true`. src/api/openapi.json keeps those schemas
// exactly as the contract has them, so this plugin declares `nullable` (a boolean) as a known Schema
// keyword for OpenAPI 3.1; every other structural check of the `struct` rule stays in force.
export default function nullableKeyword() {
  return {
    id: 'nullable-keyword',
    typeExtension: {
      oas3(types, version) {
        if (version !== 'oas3_1') return types;
        return {
          ...types,
          Schema: {
            ...types.Schema,
            properties: { ...types.Schema.properties, nullable: { type: 'boolean' } },
          },
        };
      },
    },
  };
}
