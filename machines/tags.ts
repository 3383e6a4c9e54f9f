/**
 * The tags the machines put on their states, so that the node and every layer above it ask what a state
 * means ("the thread waits here for good", "no migration is running") instead of listing state names.
 * @public
 */
export const TAG = {
  /** A COLO thread may block here for good without anything being wrong (colo.c's idle waits). */
  idleWait: 'idle-wait',
  /** A COLO thread left its loop and waits for the operator's failover (colo_exit_event, colo_incoming_event). */
  awaitsFailover: 'awaits-failover',
  /** A migration status in which no migration runs (migration.c:migration_is_running is false, not colo). */
  noMigration: 'no-migration',
  /** The destination's VM, if it runs here, is COLO's replica, not the service. */
  replica: 'replica',
  /** A multifd main thread is outside multifd_send and the sync functions. */
  multifdMainIdle: 'multifd-main-idle',
  /** Precopy runs: the source moves RAM, up to and through the switchover (migration_iteration_run). */
  precopy: 'precopy',
  /** The source paused before the switchover and waits for migrate-continue (pause-before-switchover). */
  awaitsContinue: 'awaits-continue',
} as const;

/**
 * What a multifd channel thread does in a state, as a tag of that channel's region (tags of a parallel
 * machine are shared by all regions, so each carries its channel): `writes`, the send thread is about to
 * write on its socket (the initial packet, a job, a SYNC); `reads`, the receive thread is blocked reading
 * its socket; `exited`, the thread ended.
 * @public
 */
export const channelTag = (channel: number, what: 'writes' | 'reads' | 'exited'): string =>
  `channel-${channel}.${what}`;
