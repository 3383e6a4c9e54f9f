import type { NodeRole, NodeState } from './types.js';

/**
 * colo.c's idle waits: a COLO thread may block in these for good without anything being wrong
 * (colo_checkpoint_event and colo_exit_event on the primary; colo_receive_message and
 * colo_incoming_event on the secondary).
 * @public
 */
export const IDLE_COLO_STATES: Readonly<Record<NodeRole, ReadonlySet<string>>> = {
  primary: new Set(['wait-checkpoint-event', 'wait-exit-event']),
  secondary: new Set(['wait-checkpoint-request', 'wait-incoming-event']),
};

/** multifd main-thread states outside multifd_send / the sync functions. @public */
export const IDLE_MULTIFD_MAIN_STATES: ReadonlySet<string> = new Set(['idle', 'synced', 'failed']);

/** The multifd main thread's state, when the node has multifd. @public */
export const multifdMainState = (node: NodeState): string | undefined =>
  ((node.multifdSend ?? node.multifdRecv)?.value as Record<string, string> | undefined)?.main;

/**
 * A live node with nothing to do is quiescent, not hung: its threads wait only where waiting is
 * legitimate. The checker's deadlock and the replay's hang both stand on this one definition.
 * @public
 */
export function isQuiescent(node: NodeState): boolean {
  if (node.joiningColo || node.qmpQueue.length > 0 || node.ramPhase !== 'idle' || node.failoverBh)
    return false;
  const colo = node.colo;
  if (colo && colo.status === 'active' && !IDLE_COLO_STATES[node.config.role].has(String(colo.value)))
    return false;
  const main = multifdMainState(node);
  return main === undefined || IDLE_MULTIFD_MAIN_STATES.has(main);
}
