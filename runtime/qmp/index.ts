/**
 * runtime/qmp: a QMP-compatible control server (the protocol layer only) in front of a {@link QmpBackend}.
 * @packageDocumentation
 */

export { COMMANDS, type CommandArguments, type CommandName, isCommandName } from './schema/commands.js';
export { MIGRATION_CAPABILITIES, MIGRATION_STATUSES, MULTIFD_COMPRESSIONS } from './schema/enums.js';
export type {
  Infer,
  InferStruct,
  QapiMember,
  QapiStruct,
  QapiType,
  QapiUnion,
  Simplify,
} from './schema/qapi.js';
export { type Validated, validateCommand } from './schema/validate.js';
export { DEFAULT_OOB_COMMANDS, serveQmp } from './server.js';
export type * from './types.js';
