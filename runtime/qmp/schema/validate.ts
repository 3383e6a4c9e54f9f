/**
 * Checks a command's arguments against {@link COMMANDS} before anything else sees them: a command that
 * fails here is answered with QEMU's error and never reaches a node's log.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { COMMANDS, type CommandArguments, type CommandName, isCommandName } from './commands.js';
import { formatIssue, toValibot } from './valibot.js';

const SCHEMAS = new Map<string, v.GenericSchema>(
  Object.entries(COMMANDS).map(([name, type]) => [name, toValibot(type)]),
);

/** The outcome of {@link validateCommand}. @public */
export type Validated =
  | { readonly ok: true; readonly command: CommandName; readonly arguments: CommandArguments<CommandName> }
  | {
      readonly ok: false;
      readonly error: { readonly class: 'GenericError' | 'CommandNotFound'; readonly desc: string };
    };

/**
 * Validates one command as QEMU's generated marshaller would (qapi/qmp-dispatch.c:qmp_dispatch, then the
 * command's qobject input visitor): an unknown command is CommandNotFound, a bad argument a GenericError
 * with QEMU's text for the first problem in declaration order.
 * @example
 * ```ts
 * validateCommand('migrate', {}); // { ok: false, error: { class: 'GenericError', desc: "Parameter 'uri' is missing" } }
 * ```
 * @public
 */
export function validateCommand(command: string, args: unknown): Validated {
  const schema = SCHEMAS.get(command);
  if (!schema || !isCommandName(command))
    return {
      ok: false,
      error: { class: 'CommandNotFound', desc: `The command ${command} has not been found` },
    };
  const result = v.safeParse(schema, args ?? {}, { abortEarly: true });
  if (!result.success)
    return { ok: false, error: { class: 'GenericError', desc: formatIssue(result.issues[0]) } };
  return { ok: true, command, arguments: result.output as CommandArguments<CommandName> };
}
