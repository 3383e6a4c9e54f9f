import type { ColoExitReason, ColoMode, FailoverStatus, MigrationStatus } from './vocabulary.js';

/**
 * The COLO mode of a node, derived as QEMU derives it (colo.c:get_colo_mode): primary while the
 * outgoing migration is in `colo`, secondary while the incoming one is, none otherwise. It is never stored.
 * @example getColoMode('colo', 'none') // 'primary'
 * @public
 */
export function getColoMode(source: MigrationStatus, incoming: MigrationStatus): ColoMode {
  if (source === 'colo') return 'primary';
  if (incoming === 'colo') return 'secondary';
  return 'none';
}

/**
 * The reason a COLO thread puts in COLO_EXIT when it leaves its loop: `request` if the failover it
 * samples at that moment has completed, `error` otherwise (colo.c:colo_process_checkpoint `out`,
 * colo.c:colo_process_incoming_thread `out`). A user failover can report `error` when the thread
 * samples before the bottom half finishes (reference §5, quirk 1).
 * @public
 */
export function coloExitReason(failover: FailoverStatus): Exclude<ColoExitReason, 'none' | 'processing'> {
  return failover === 'completed' ? 'request' : 'error';
}

/**
 * The `reason` of query-colo-status (colo.c:qmp_query_colo_status), read from the failover status:
 * `none` before any failover, `request` once completed, otherwise `processing` while the *outgoing*
 * migration is in colo and `error` elsewhere, so a secondary mid-failover reports `error`
 * (reference §5, quirk 2).
 * @public
 */
export function queryColoStatusReason(source: MigrationStatus, failover: FailoverStatus): ColoExitReason {
  if (failover === 'none') return 'none';
  if (failover === 'completed') return 'request';
  return source === 'colo' ? 'processing' : 'error';
}
