/**
 * QEMU's names, as QAPI and colo.c spell them. Everything in lockstep speaks this vocabulary.
 * @packageDocumentation
 */

/**
 * Every MigrationStatus value of qapi/migration.json, in QAPI order, plus `failing` (inserted
 * before `failed` by the FAILING patch). A profile picks the subset its QEMU has.
 * @public
 */
export const MIGRATION_STATUSES = [
  'none',
  'setup',
  'cancelling',
  'cancelled',
  'active',
  'postcopy-device',
  'postcopy-active',
  'postcopy-paused',
  'postcopy-recover-setup',
  'postcopy-recover',
  'completed',
  'failing',
  'failed',
  'colo',
  'pre-switchover',
  'device',
  'wait-unplug',
] as const;

/** A QAPI MigrationStatus value. @public */
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/** FailoverStatus (qapi/migration.json), colo-failover.c. @public */
export const FAILOVER_STATUSES = ['none', 'require', 'active', 'completed', 'relaunch'] as const;
/** A FailoverStatus value. @public */
export type FailoverStatus = (typeof FAILOVER_STATUSES)[number];

/** COLOMode: which side a node plays, derived from the migration states (colo.c:get_colo_mode). @public */
export const COLO_MODES = ['none', 'primary', 'secondary'] as const;
/** A COLOMode value. @public */
export type ColoMode = (typeof COLO_MODES)[number];

/** COLOExitReason, carried by the COLO_EXIT event and query-colo-status. @public */
export const COLO_EXIT_REASONS = ['none', 'request', 'error', 'processing'] as const;
/** A COLOExitReason value. @public */
export type ColoExitReason = (typeof COLO_EXIT_REASONS)[number];

/**
 * COLOMessage in wire order: the index is the be32 value colo.c:colo_send_message writes.
 * @public
 */
export const COLO_MESSAGES = [
  'checkpoint-ready',
  'checkpoint-request',
  'checkpoint-reply',
  'vmstate-send',
  'vmstate-size',
  'vmstate-received',
  'vmstate-loaded',
] as const;
/** A COLOMessage value. @public */
export type ColoMessage = (typeof COLO_MESSAGES)[number];

/**
 * The migration capabilities that pick a branch of the status machines
 * (qapi/migration.json MigrationCapability; the rest do not change which status comes next).
 * @public
 */
export const CAPABILITIES = [
  'x-colo',
  'pause-before-switchover',
  'postcopy-ram',
  'return-path',
  'multifd',
  'background-snapshot',
] as const;
/** A capability that matters to the status machines. @public */
export type Capability = (typeof CAPABILITIES)[number];
/** Capability switches, all off by default as in QEMU. @public */
export type Capabilities = Readonly<Record<Capability, boolean>>;

/** All capabilities off, QEMU's default. @public */
export const NO_CAPABILITIES: Capabilities = Object.freeze({
  'x-colo': false,
  'pause-before-switchover': false,
  'postcopy-ram': false,
  'return-path': false,
  multifd: false,
  'background-snapshot': false,
});

/**
 * Returns capabilities with some switches changed.
 * @example withCapabilities(NO_CAPABILITIES, { 'x-colo': true })
 * @public
 */
export function withCapabilities(base: Capabilities, changes: Partial<Capabilities>): Capabilities {
  return Object.freeze({ ...base, ...changes });
}

/** True when `value` is one of `names` (narrows a string to the vocabulary type). @public */
export function isOneOf<T extends string>(names: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (names as readonly string[]).includes(value);
}
