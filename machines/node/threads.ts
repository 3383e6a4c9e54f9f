import { channelReady, recvThreadsExited } from './multifd.js';
import { ramPhaseReady } from './ram-phase.js';
import { memoCan } from './transition-memo.js';
import { type AnyEvent, hasTag, type Tx } from './tx.js';
import type { IoCompletion, NodeState, NodeThread } from './types.js';

/**
 * What the COLO thread would consume if it ran now, derived from the machine itself (`can`), never
 * from a list of its states: a COLO message first (bytes already read precede a later error), then an
 * I/O completion, then a QemuEvent it waits on, then a step of code reading the shared statuses.
 * @internal
 */
export function coloNextEvent(node: NodeState): AnyEvent | null {
  const colo = node.colo;
  if (colo?.status !== 'active') return null;
  const head = node.inbox[0];
  if (head) {
    const event: AnyEvent = { type: 'message', ...head };
    if (memoCan(colo, event)) return event;
  }
  const completion = node.completions.find(
    (done) => (done !== 'channel-error' || node.inbox.length === 0) && memoCan(colo, { type: done }),
  );
  if (completion) return { type: completion };
  const migration = node.config.role === 'primary' ? node.source.value : node.incoming.value;
  const checkpoint: AnyEvent = { type: 'checkpoint-event', migration };
  if (node.qemuEvents.checkpoint && memoCan(colo, checkpoint)) return checkpoint;
  if (node.qemuEvents.exit && memoCan(colo, { type: 'exit-event' })) return { type: 'exit-event' };
  if (node.qemuEvents.incoming && memoCan(colo, { type: 'incoming-event' }))
    return { type: 'incoming-event' };
  const step: AnyEvent = { type: 'step', failover: node.failover.value, migration };
  return memoCan(colo, step) ? step : null;
}

/** The COLO thread can run: its next event, a step inside multifd, or the NULL store after an fclose. @internal */
export function coloThreadReady(node: NodeState): boolean {
  if (node.rp === 'freed') return true;
  if (node.ramPhase !== 'idle') return ramPhaseReady(node);
  return coloNextEvent(node) !== null;
}

/** The BQL is held by a thread that is blocked (or about to run) while holding it. @internal */
export const bqlHeld = (node: NodeState): boolean => hasTag(node.colo, 'bql');

/** Whether the main loop has work it can do now. @internal */
export function mainLoopReady(node: NodeState): boolean {
  if (node.joiningColo) {
    if (node.colo?.status !== 'done') return false;
    // migration_incoming_state_destroy -> multifd_recv_cleanup joins the receive threads
    return node.joinPhase !== 'destroy' || recvThreadsExited(node);
  }
  if (bqlHeld(node)) return false;
  return node.failoverBh || node.qmpQueue.length > 0;
}

/** The multifd channel a thread runs (`multifd-N` -> N), or -1 for the COLO thread and the main loop. @public */
export const threadChannel = (thread: NodeThread): number =>
  thread.startsWith('multifd-') ? Number(thread.slice('multifd-'.length)) : -1;

/**
 * The threads a scheduler may step now. A deterministic scheduler picks among these; the model checker
 * explores every choice. @public
 */
export function enabledThreads(node: NodeState): NodeThread[] {
  const threads: NodeThread[] = [];
  if (coloThreadReady(node)) threads.push('colo');
  if (mainLoopReady(node)) threads.push('main-loop');
  for (let i = 0; i < (node.config.multifd ?? 0); i++)
    if (channelReady(node, i)) threads.push(`multifd-${i}`);
  return threads;
}

/** @internal Removes the consumed message or completion after the COLO thread took it. */
export function consume(tx: Tx, event: AnyEvent): void {
  if (event.type === 'message') tx.set({ inbox: tx.node.inbox.slice(1) });
  else if (tx.node.completions.includes(event.type as IoCompletion)) {
    const index = tx.node.completions.indexOf(event.type as IoCompletion);
    tx.set({ completions: tx.node.completions.filter((_, i) => i !== index) });
  }
}
