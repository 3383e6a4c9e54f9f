/** fast-check arbitraries derived from the QMP schema: valid arguments of a command, and broken ones. */
import fc from 'fast-check';
import { COMMANDS, type CommandName } from '../../../../runtime/qmp/schema/commands.js';
import type { QapiType } from '../../../../runtime/qmp/schema/qapi.js';

/** A value of `type` that the schema accepts (small integers, so range checks pass and fail both). */
export function validValue(type: QapiType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'str':
      return fc.constantFrom('tcp:127.0.0.1:1', 'x', '');
    case 'bool':
      return fc.boolean();
    case 'uint':
      return fc.integer({ min: 0, max: 2 ** Math.min(type.bits, 16) - 1 });
    case 'enum':
      return fc.constantFrom(...type.values);
    case 'str-or-null':
      return fc.constantFrom('', null, 'creds0');
    case 'array':
      return fc.array(validValue(type.of), { maxLength: 3 });
    case 'struct':
      return fc.record(
        Object.fromEntries(Object.entries(type.members).map(([name, m]) => [name, validValue(m.type)])),
        {
          requiredKeys: Object.entries(type.members)
            .filter(([, m]) => !m.optional)
            .map(([name]) => name),
        },
      );
    case 'union':
      return fc.oneof(
        ...Object.entries(type.branches).map(([tag, branch]) =>
          validValue(branch).map((members) => ({ [type.discriminator]: tag, ...(members as object) })),
        ),
      );
  }
}

/** One QMP command: valid arguments from the schema, or arbitrary JSON in their place, or an unknown name. */
export const qmpCommand: fc.Arbitrary<{ command: string; args: Record<string, unknown> | undefined }> =
  fc.oneof(
    fc
      .constantFrom(...(Object.keys(COMMANDS) as CommandName[]))
      .filter((c) => c !== 'quit')
      .chain((command) =>
        validValue(COMMANDS[command]).map((args) => ({ command, args: args as Record<string, unknown> })),
      ),
    fc.record({
      command: fc.constantFrom(...Object.keys(COMMANDS), 'query-bogus', 'device_add'),
      args: fc.option(
        fc.dictionary(fc.constantFrom('uri', 'capabilities', 'instances', 'state', 'foo'), fc.jsonValue()),
        {
          nil: undefined,
        },
      ),
    }),
  );
