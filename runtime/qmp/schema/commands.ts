/**
 * The one schema of the QMP commands a lockstep node serves: each command's arguments in QAPI's types as
 * QEMU 7.2 declares them (qapi/migration.json, qapi/run-state.json, qapi/yank.json, qapi/control.json,
 * qapi/misc.json). The validator, `query-commands`, the differential corpus and the TypeScript types of the
 * arguments ({@link CommandArguments}) all come from this table.
 * @packageDocumentation
 */
import { MIGRATION_CAPABILITIES, MIGRATION_STATUSES, MULTIFD_COMPRESSIONS } from './enums.js';
import {
  array,
  bool,
  enumOf,
  type Infer,
  optional,
  required,
  str,
  strOrNull,
  struct,
  uint,
  union,
} from './qapi.js';

const noArguments = struct({});
const size = uint(64);

/**
 * MigrateSetParameters as 7.2 declares it, every member optional. block-bitmap-mapping is left out:
 * lockstep has no block layer (docs/conformance.md, allowed differences).
 */
const setParameters = struct({
  'announce-initial': optional(size),
  'announce-max': optional(size),
  'announce-rounds': optional(size),
  'announce-step': optional(size),
  'compress-level': optional(uint(8)),
  'compress-threads': optional(uint(8)),
  'compress-wait-thread': optional(bool),
  'decompress-threads': optional(uint(8)),
  'throttle-trigger-threshold': optional(uint(8)),
  'cpu-throttle-initial': optional(uint(8)),
  'cpu-throttle-increment': optional(uint(8)),
  'cpu-throttle-tailslow': optional(bool),
  'tls-creds': optional(strOrNull),
  'tls-hostname': optional(strOrNull),
  'tls-authz': optional(strOrNull),
  'max-bandwidth': optional(size),
  'downtime-limit': optional(uint(64)),
  'x-checkpoint-delay': optional(uint(32)),
  'block-incremental': optional(bool),
  'multifd-channels': optional(uint(8)),
  'xbzrle-cache-size': optional(size),
  'max-postcopy-bandwidth': optional(size),
  'max-cpu-throttle': optional(uint(8)),
  'multifd-compression': optional(enumOf(MULTIFD_COMPRESSIONS)),
  'multifd-zlib-level': optional(uint(8)),
  'multifd-zstd-level': optional(uint(8)),
});

/** The commands served and their arguments, in the order query-commands lists them. @public */
export const COMMANDS = {
  'query-status': noArguments,
  'query-version': noArguments,
  'query-commands': noArguments,
  'query-migrate': noArguments,
  'query-migrate-capabilities': noArguments,
  'query-migrate-parameters': noArguments,
  'query-colo-status': noArguments,
  'query-yank': noArguments,
  'migrate-set-capabilities': struct({
    capabilities: required(
      array(struct({ capability: required(enumOf(MIGRATION_CAPABILITIES)), state: required(bool) })),
    ),
  }),
  'migrate-set-parameters': setParameters,
  migrate: struct({
    uri: required(str),
    blk: optional(bool),
    inc: optional(bool),
    detach: optional(bool),
    resume: optional(bool),
  }),
  'migrate-incoming': struct({ uri: required(str) }),
  migrate_cancel: noArguments,
  'migrate-continue': struct({ state: required(enumOf(MIGRATION_STATUSES)) }),
  'x-colo-lost-heartbeat': noArguments,
  yank: struct({
    instances: required(
      array(
        union('type', {
          'block-node': struct({ 'node-name': required(str) }),
          chardev: struct({ id: required(str) }),
          migration: struct({}),
        }),
      ),
    ),
  }),
  // qapi/qom.json: ObjectOptions, the two types migration TLS needs (crypto.json, authz.json)
  'object-add': union('qom-type', {
    'tls-creds-x509': struct({
      id: required(str),
      'verify-peer': optional(bool),
      dir: optional(str),
      endpoint: optional(enumOf(['client', 'server'])),
      priority: optional(str),
      loaded: optional(bool),
      'sanity-check': optional(bool),
      passwordid: optional(str),
    }),
    'authz-simple': struct({ id: required(str), identity: required(str) }),
  }),
  'object-del': struct({ id: required(str) }),
  stop: noArguments,
  cont: noArguments,
  quit: noArguments,
  'x-lockstep-status': noArguments,
} as const;

/** A command lockstep serves. @public */
export type CommandName = keyof typeof COMMANDS;

/** The validated arguments of `C`, derived from {@link COMMANDS}. @public */
export type CommandArguments<C extends CommandName> = Infer<(typeof COMMANDS)[C]>;

/** Whether `name` is a command lockstep serves. @public */
export const isCommandName = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);
