import { TAG } from '../tags.js';
import type { MigrationStatus } from '../vocabulary.js';
import { startColoThread, stepColoThread } from './colo-thread.js';
import { failoverBottomHalf } from './failover.js';
import { channelInput, hasMultifd, stepChannel, terminateRecv } from './multifd.js';
import { executeQmp, OOB_COMMANDS } from './qmp.js';
import { ramJobs } from './ram-phase.js';
import { bqlHeld, threadChannel } from './threads.js';
import { hasTag, Tx } from './tx.js';
import type { Applied, NodeInput, NodeState, QmpReply } from './types.js';
import { fixesOf } from './types.js';
import { vmStart, vmStop } from './vm.js';

type QmpInput = Extract<NodeInput, { kind: 'qmp' }>;

/**
 * The node's reducer: one input in, the next state and the effects out. Pure: the same log folds to
 * the same states, which is what makes a node's event log replayable.
 * @example
 * ```ts
 * let node = createNode({ role: 'primary', profile: QEMU_11_0 });
 * ({ node } = applyInput(node, { kind: 'qmp', command: 'migrate-set-capabilities',
 *   arguments: { capabilities: [{ capability: 'x-colo', state: true }] }, id: 1 }));
 * ```
 * @public
 */
export function applyInput(node: NodeState, input: NodeInput): Applied {
  const tx = new Tx(node);
  switch (input.kind) {
    case 'qmp':
      receiveQmp(tx, input);
      break;
    case 'migration':
      migrationProgress(tx, input.event);
      break;
    case 'peer':
      tx.set({ inbox: [...tx.node.inbox, input.value === undefined ? { message: input.message } : input] });
      break;
    case 'io':
      tx.set({ completions: [...tx.node.completions, input.completion] });
      break;
    case 'timer': // colo.c:colo_checkpoint_notify_timer -> colo_checkpoint_notify
      tx.set({ qemuEvents: { ...tx.node.qemuEvents, checkpoint: true } });
      break;
    case 'checkpoint-delay':
      checkpointDelaySet(tx);
      break;
    case 'step':
      if (input.thread === 'colo') stepColoThread(tx);
      else if (input.thread === 'main-loop') stepMainLoop(tx);
      else stepChannel(tx, threadChannel(input.thread));
      break;
    case 'multifd':
      channelInput(tx, input);
      break;
    case 'ram-jobs':
      ramJobs(tx, input.jobs);
      break;
  }
  return { node: tx.node, effects: tx.effects };
}

/**
 * colo.c:colo_checkpoint_delay_set: only while the outgoing migration is in colo
 * (migration_in_colo_state) does a new delay checkpoint at once and re-arm colo_delay_timer
 * (colo_checkpoint_notify); after a failover the source is completed and the change only sets the
 * parameter, so no timer runs again.
 */
function checkpointDelaySet(tx: Tx): void {
  if (tx.status('source') !== 'colo') return;
  tx.set({ qemuEvents: { ...tx.node.qemuEvents, checkpoint: true } });
  tx.emit({ kind: 'arm-timer' });
}

/** In-band commands need the main loop; while a thread blocks holding the BQL they wait (the wedge). */
function receiveQmp(tx: Tx, input: QmpInput): void {
  const oob = input.oob === true || OOB_COMMANDS.has(input.command);
  if (!oob && (bqlHeld(tx.node) || tx.node.joiningColo || tx.node.qmpQueue.length > 0)) {
    tx.set({ qmpQueue: [...tx.node.qmpQueue, input] });
    return;
  }
  reply(tx, input, executeQmp(tx, input));
}

function reply(tx: Tx, input: QmpInput, result: QmpReply | null): void {
  const answer: QmpReply = result ?? {
    error: { class: 'CommandNotFound', desc: `The command ${input.command} has not been found` },
  };
  tx.emit({ kind: 'qmp-reply', id: input.id, reply: answer });
}

/** The main loop: finish a secondary failover, run the failover bottom half, or the next queued command. */
function stepMainLoop(tx: Tx): void {
  if (tx.node.joiningColo) {
    if (tx.node.colo?.status !== 'done') return;
    if (hasMultifd(tx.node)) {
      secondaryCleanupWithMultifd(tx);
      return;
    }
    // colo.c:colo_incoming_co joined the thread; migration.c:process_incoming_migration_bh
    tx.set({ joiningColo: false });
    vmStart(tx);
    tx.send('incoming', { type: 'load-done' }); // active -> completed: a no-op, failover completed it
    tx.set({ coloCache: 'released' });
    tx.emit({ kind: 'release-colo-cache' }); // after multifd_recv_cleanup (v8 fix #1)
    return;
  }
  if (bqlHeld(tx.node)) return;
  if (tx.node.failoverBh) {
    failoverBottomHalf(tx);
    return;
  }
  const [next, ...rest] = tx.node.qmpQueue;
  if (next) {
    tx.set({ qmpQueue: rest });
    reply(tx, next, executeQmp(tx, next));
  }
}

/**
 * The end of a secondary failover when multifd threads are alive, one main-loop stretch per step:
 * colo_incoming_co joins the COLO thread (and, before v11 09/21, frees the colo cache right there);
 * process_incoming_migration_bh terminates the multifd receive threads (multifd_recv_shutdown: `exiting`,
 * every p->sem_sync posted, every channel shut) and starts the SVM;
 * migration_incoming_state_destroy joins the receive threads and (with the fix) frees the cache.
 */
function secondaryCleanupWithMultifd(tx: Tx): void {
  const fixed = fixesOf(tx.node.config).releaseCacheAfterMultifd;
  const release = () => {
    tx.set({ coloCache: 'released' });
    tx.emit({ kind: 'release-colo-cache' });
  };
  switch (tx.node.joinPhase) {
    case 'colo':
      tx.set({ joinPhase: 'bh' });
      if (!fixed) release(); // colo.c:colo_incoming_co: "We hold the global BQL, so it is safe here"
      return;
    case 'bh':
      tx.set({ joinPhase: 'destroy' });
      terminateRecv(tx); // multifd_recv_shutdown -> multifd_recv_terminate_threads(NULL)
      vmStart(tx);
      tx.send('incoming', { type: 'load-done' });
      return;
    case 'destroy':
      // multifd_recv_cleanup: multifd_recv_terminate_threads(NULL) (a no-op after the bh's), then the joins
      terminateRecv(tx);
      tx.set({ joiningColo: false });
      if (fixed) release(); // after multifd_recv_cleanup
      return;
  }
}

/**
 * One more dirty bitmap sync, announced as QEMU does (ram.c:migration_bitmap_sync ->
 * qapi_event_send_migration_pass, numbered by dirty_sync_count).
 */
function announcedBitmapSync(tx: Tx): void {
  tx.set({ passes: tx.node.passes + 1 });
  tx.emit({ kind: 'qmp-event', event: 'MIGRATION_PASS', data: { pass: tx.node.passes } });
}

/**
 * Progress of a migration reported by the edge (setup done, switchover, completion, the stream loaded),
 * with the VM changes migration.c makes around them.
 */
function migrationProgress(tx: Tx, event: string): void {
  if (event === 'pass') {
    announcedBitmapSync(tx); // ram.c:ram_save_pending (7.2) / ram_state_pending_exact: a sync between rounds
    return;
  }
  if (event === 'stop-for-completion') {
    vmStop(tx); // migration.c:migration_completion_precopy -> migration_stop_vm
    return;
  }
  if (event === 'precopy-ended' && tx.node.config.role === 'primary') {
    precopyEnded(tx);
    return;
  }
  if (tx.node.config.role === 'primary') {
    const before = tx.status('source');
    // migration.c:migration_completion_precopy stops the VM before the switchover
    if (event === 'switchover' || (event === 'completion-done' && before === 'active')) vmStop(tx);
    // ram.c:ram_save_setup -> ram_init_bitmaps syncs while the status is still setup (PASS 1 before active);
    // ram.c:ram_save_complete syncs once more after the VM stopped, before completed or colo
    if (event === 'setup-done' && before === 'setup') announcedBitmapSync(tx);
    if (event === 'completion-done' && hasTag(tx.node.source, TAG.precopy)) announcedBitmapSync(tx);
    tx.send('source', { type: event });
    const after = tx.status('source');
    // migration.c:migration_iteration_finish, case COLO: migrate_start_colo_process
    if (after === 'colo' && before !== 'colo') startColoThread(tx);
    return;
  }
  if (event === 'stream-loaded') {
    // migration.c:process_incoming_migration_co: COLO takes over the end of the load
    if (tx.status('incoming') === 'active' && tx.node.incoming.context.capabilities['x-colo'])
      startColoThread(tx);
    else {
      // migration.c:process_incoming_migration_bh starts the VM, then sets completed ("This must happen
      // after any state changes since as soon as an external observer sees this event they might start to
      // prod at the VM"): RESUME comes before MIGRATION completed
      vmStart(tx);
      tx.send('incoming', { type: 'load-done' });
    }
    return;
  }
  const before = tx.status('incoming');
  tx.send('incoming', { type: event });
  // ram.c:colo_init_ram_cache before setup -> active (v8), or on MIG_CMD_ENABLE_COLO (7.2)
  const colo = tx.node.incoming.context.capabilities['x-colo'] === true;
  if (
    colo &&
    tx.node.coloCache === 'none' &&
    (event === 'enable-colo' || (before !== 'active' && tx.status('incoming') === 'active'))
  ) {
    tx.set({ coloCache: 'allocated' });
  }
}

/** What ends the source's status when its precopy stream ends early, by status. */
const PRECOPY_END: Partial<Record<MigrationStatus, string>> = {
  cancelling: 'cancel-done',
  setup: 'connect-error',
  active: 'file-error',
  device: 'completion-failed',
  'pre-switchover': 'completion-failed',
};

/**
 * The primary's precopy stream ended before the switchover completed (the connection failed, a write
 * broke, or migrate_cancel shut the channel), whatever the status: a cancel finishes as cancelled
 * (migration.c:migration_cleanup); a failed connect is migration_connect_error_propagate; a broken
 * channel fails the migration (migration_detect_error while active, migration_completion after the
 * switchover), and with the FAILING patch failing -> failed at cleanup.
 */
function precopyEnded(tx: Tx): void {
  const event = PRECOPY_END[tx.status('source')];
  if (event !== undefined) tx.send('source', { type: event });
  if (tx.status('source') === 'failing') tx.send('source', { type: 'cleanup' });
}
