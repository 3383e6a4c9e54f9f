/**
 * The migration parameters of one node as QEMU 7.2 keeps them (migration/migration.c:
 * migrate_params_init, qmp_query_migrate_parameters): all of them stored and reported, checked as
 * migrate_params_check does; lockstep acts on x-checkpoint-delay, max-bandwidth and multifd-channels.
 * @packageDocumentation
 */
import type { CommandArguments } from '../qmp/schema/commands.js';

/** What migrate-set-parameters takes (from the schema). @public */
export type SetParameters = CommandArguments<'migrate-set-parameters'>;

/** Every parameter query-migrate-parameters reports. @public */
export type MigrationParameters = {
  -readonly [K in keyof SetParameters]-?: Exclude<SetParameters[K], null | undefined>;
};

/** 7.2's defaults (migration/migration.c: DEFAULT_MIGRATE_*, MAX_THROTTLE, the announce defaults). @public */
export function defaultParameters(): MigrationParameters {
  return {
    'announce-initial': 50,
    'announce-max': 550,
    'announce-rounds': 5,
    'announce-step': 100,
    'compress-level': 1,
    'compress-threads': 8,
    'compress-wait-thread': true,
    'decompress-threads': 2,
    'throttle-trigger-threshold': 50,
    'cpu-throttle-initial': 20,
    'cpu-throttle-increment': 10,
    'cpu-throttle-tailslow': false,
    'tls-creds': '',
    'tls-hostname': '',
    'tls-authz': '',
    'max-bandwidth': 134_217_728,
    'downtime-limit': 300,
    'x-checkpoint-delay': 20_000,
    'block-incremental': false,
    'multifd-channels': 2,
    'xbzrle-cache-size': 67_108_864,
    'max-postcopy-bandwidth': 0,
    'max-cpu-throttle': 99,
    'multifd-compression': 'none',
    'multifd-zlib-level': 1,
    'multifd-zstd-level': 1,
  };
}

type Check = readonly [keyof SetParameters, (value: number, next: MigrationParameters) => boolean, string];
const between = (min: number, max: number) => (n: number) => n >= min && n <= max;

// migration/migration.c:migrate_params_check, in its order and with its texts (QEMU's C member names)
const CHECKS: readonly Check[] = [
  ['compress-level', between(0, 9), "Parameter 'compress_level' expects a value between 0 and 9"],
  ['compress-threads', between(1, 255), "Parameter 'compress_threads' expects a value between 1 and 255"],
  ['decompress-threads', between(1, 255), "Parameter 'decompress_threads' expects a value between 1 and 255"],
  [
    'cpu-throttle-initial',
    between(1, 99),
    "Parameter 'cpu_throttle_initial' expects an integer in the range of 1 to 99",
  ],
  [
    'cpu-throttle-increment',
    between(1, 99),
    "Parameter 'cpu_throttle_increment' expects an integer in the range of 1 to 99",
  ],
  [
    'max-bandwidth',
    (n) => n >= 0 && n <= 18_446_744_073_709,
    "Parameter 'max_bandwidth' expects an integer in the range of 0 to 18446744073709 bytes/second",
  ],
  [
    'downtime-limit',
    between(0, 2_000_000),
    "Parameter 'downtime_limit' expects an integer in the range of 0 to (2000 * 1000) ms",
  ],
  ['multifd-channels', between(1, 255), "Parameter 'multifd_channels' expects a value between 1 and 255"],
  ['multifd-zlib-level', between(0, 9), "Parameter 'multifd_zlib_level' expects a value between 0 and 9"],
  ['multifd-zstd-level', between(0, 20), "Parameter 'multifd_zstd_level' expects a value between 0 and 20"],
  [
    'xbzrle-cache-size',
    (n) => n >= 4096 && Number.isInteger(Math.log2(n)),
    "Parameter 'xbzrle_cache_size' expects a power of two no less than the target page size",
  ],
  [
    'max-cpu-throttle',
    (n, next) => n >= next['cpu-throttle-initial'] && n <= 99,
    "Parameter 'max_cpu_throttle' expects an integer in the range of cpu_throttle_initial to 99",
  ],
  [
    'announce-initial',
    between(0, 100_000),
    "Parameter 'announce_initial' expects a value between 0 and 100000",
  ],
  ['announce-max', between(0, 100_000), "Parameter 'announce_max' expects a value between 0 and 100000"],
  ['announce-rounds', between(0, 1000), "Parameter 'announce_rounds' expects a value between 0 and 1000"],
  ['announce-step', between(1, 10_000), "Parameter 'announce_step' expects a value between 0 and 10000"],
];

/** A negative value for a 64-bit member wraps, as qobject_input_type_uint64 lets it. */
const wrap = (value: unknown) => (typeof value === 'number' && value < 0 ? 2 ** 64 + value : value);

/**
 * migrate-set-parameters: the new values checked together (migrate_params_check), then all stored
 * (migrate_params_apply). Returns the error desc, or null once stored; `null` for a tls member means ''.
 * @public
 */
export function setParameters(parameters: MigrationParameters, updates: SetParameters): string | null {
  const next: MigrationParameters = { ...parameters };
  for (const [key, value] of Object.entries(updates))
    (next as Record<string, unknown>)[key] = value === null ? '' : wrap(value);
  for (const [key, ok, desc] of CHECKS) {
    const value = next[key];
    if (key in updates && typeof value === 'number' && !ok(value, next)) return desc;
  }
  Object.assign(parameters, next);
  return null;
}
