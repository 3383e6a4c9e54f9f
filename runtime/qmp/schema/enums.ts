/**
 * QEMU 7.2's enums that the served commands take, in declaration order (qapi/migration.json,
 * qapi/yank.json): query-migrate-capabilities lists the capabilities in this order.
 * @packageDocumentation
 */
import { type MigrationStatus, QEMU_7_2 } from '../../../machines/index.js';

/** MigrationCapability in 7.2. @public */
export const MIGRATION_CAPABILITIES = [
  'xbzrle',
  'rdma-pin-all',
  'auto-converge',
  'zero-blocks',
  'compress',
  'events',
  'postcopy-ram',
  'x-colo',
  'release-ram',
  'block',
  'return-path',
  'pause-before-switchover',
  'multifd',
  'dirty-bitmaps',
  'postcopy-blocktime',
  'late-block-activate',
  'x-ignore-shared',
  'validate-uuid',
  'background-snapshot',
  'zero-copy-send',
  'postcopy-preempt',
] as const;

/**
 * MigrationStatus in 7.2: the statuses the qemu-7.2 profile knows, written once in machines/ (the schema
 * checks migrate-continue's `state` against the same list the machines run).
 * @public
 */
export const MIGRATION_STATUSES = QEMU_7_2.statuses as readonly [MigrationStatus, ...MigrationStatus[]];

/** MultiFDCompression in 7.2 (zstd is built into Debian's QEMU). @public */
export const MULTIFD_COMPRESSIONS = ['none', 'zlib', 'zstd'] as const;
