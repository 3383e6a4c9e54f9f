/**
 * A QAPI type ({@link QapiType}) as a valibot schema whose messages are QEMU 7.2's
 * (qapi/qobject-input-visitor.c, qapi/qapi-visit-core.c). A message is a template: `{path}` is the member's
 * full name (`capabilities[0].state`), `{name}` its own name, `{input}` the value given; {@link formatIssue}
 * fills them in once the issue has its whole path.
 * @packageDocumentation
 */
import * as v from 'valibot';
import type { QapiStruct, QapiType, QapiUnion } from './qapi.js';

// qobject-input-visitor.c:qobject_input_get_object: QERR_INVALID_PARAMETER_TYPE
const typeError = (expected: string) => `Invalid parameter type for '{path}', expected: ${expected}`;
// qapi-visit-core.c:input_type_enum names the member alone, not its full name
const enumError = "Parameter '{name}' does not accept value '{input}'";
const isObject = (input: unknown) => typeof input === 'object' && input !== null && !Array.isArray(input);

/** The valibot schema of a QAPI type. @internal */
export function toValibot(type: QapiType): v.GenericSchema {
  switch (type.kind) {
    case 'str':
      return v.string(typeError('string'));
    case 'bool':
      return v.boolean(typeError('boolean'));
    case 'uint':
      return unsigned(type.bits);
    case 'enum':
      return v.pipe(v.string(typeError('string')), v.picklist(type.values, enumError));
    case 'str-or-null':
      return v.union([v.string(), v.null()], typeError('StrOrNull'));
    case 'array':
      return v.array(toValibot(type.of), typeError('array'));
    case 'struct':
      return v.pipe(v.custom(isObject, typeError('object')), structSchema(type));
    case 'union':
      return v.pipe(v.custom(isObject, typeError('object')), unionSchema(type));
  }
}

/**
 * 7.2 reads an unsigned member as a uint64 first (qobject_input_type_uint64: a negative integer passes
 * and wraps, anything else "expects uint64", fractions included), then narrows it
 * (qapi-visit-core.c:visit_type_uintN: "expects uint32_t").
 */
function unsigned(bits: 8 | 16 | 32 | 64): v.GenericSchema {
  const wide = "Parameter '{path}' expects uint64";
  const narrow = bits === 64 ? wide : `Parameter '{path}' expects uint${bits}_t`;
  return v.pipe(
    v.number(wide),
    v.integer(wide),
    v.minValue(bits === 64 ? Number.MIN_SAFE_INTEGER : 0, narrow),
    v.maxValue(bits === 64 ? Number.MAX_SAFE_INTEGER : 2 ** bits - 1, narrow),
  );
}

/** Members in declaration order (missing or wrong), then the first member it does not declare. */
function structSchema(type: QapiStruct): v.GenericSchema {
  const entries: v.ObjectEntries = {};
  for (const [name, member] of Object.entries(type.members))
    entries[name] = member.optional ? v.optional(toValibot(member.type)) : toValibot(member.type);
  // qobject-input-visitor.c:qobject_input_check_struct
  return v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? "Parameter '{path}' is unexpected"
      : issue.input === undefined
        ? "Parameter '{path}' is missing"
        : typeError('object'),
  );
}

/** The discriminator first (missing, not a string, not a branch), then the branch's members. */
function unionSchema(type: QapiUnion): v.GenericSchema {
  const options = Object.entries(type.branches).map(([tag, branch]) =>
    structSchema({
      kind: 'struct',
      members: {
        [type.discriminator]: { type: { kind: 'enum', values: [tag] }, optional: false },
        ...branch.members,
      },
    }),
  );
  return v.variant(
    type.discriminator,
    options as [v.StrictObjectSchema<v.ObjectEntries, undefined>],
    (issue) =>
      issue.input === undefined
        ? "Parameter '{path}' is missing"
        : typeof issue.input === 'string'
          ? enumError
          : typeError('string'),
  );
}

/** QEMU's full name of a member (qobject-input-visitor.c:full_name_nth): `a[0].b`. */
function fullName(path: readonly { readonly key: unknown }[]): string {
  let name = '';
  for (const { key } of path)
    name += typeof key === 'number' ? `[${key}]` : name === '' ? String(key) : `.${String(key)}`;
  return name;
}

/** One valibot issue as QEMU's GenericError desc. @internal */
export function formatIssue(issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []) as readonly { readonly key: unknown }[];
  const last = path.at(-1)?.key;
  return issue.message
    .replaceAll('{path}', fullName(path))
    .replaceAll('{name}', last === undefined ? '' : String(last))
    .replaceAll('{input}', String(issue.input));
}
