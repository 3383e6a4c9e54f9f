import type { Effect } from '../../machines/index.js';

/**
 * Effects that stay inside the process (bookkeeping between the node and its edge: the pages of a job,
 * a packet stored, the dirty log, the device state saved or loaded). Every other effect is seen outside
 * (a byte on a channel, a QMP reply or event), and the log is handed to the OS before it happens.
 */
const INTERNAL: ReadonlySet<Effect['kind']> = new Set<Effect['kind']>([
  'bitmap-sync',
  'multifd-job',
  'store-pages',
  'save-device-state',
  'load-ram',
  'start-dirty-log',
  'system-reset',
  'flush-ram-cache',
  'load-device-state',
  'arm-timer',
  'release-colo-cache',
  'replication-start',
  'replication-checkpoint',
  'replication-stop',
  'compare-checkpoint',
]);

/** The effect is seen outside the process: the log goes to the OS before it happens. @internal */
export const leavesProcess = (effect: Effect): boolean => !INTERNAL.has(effect.kind);
