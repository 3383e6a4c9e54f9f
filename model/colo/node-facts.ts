import { channelState, enabledThreads, type NodeState, type NodeThread } from '../../machines/index.js';

/** What the composition reads of a node, derived once per distinct node state. @public */
export interface NodeFacts {
  readonly threads: readonly NodeThread[];
  /** The COLO thread runs (its machine is active, not done). */
  readonly coloActive: boolean;
  /** Each multifd channel thread's state. */
  readonly channels: readonly (string | undefined)[];
  /** Alive with nothing to do, waiting only where waiting is legitimate (not hung). */
  readonly quiescent: boolean;
  readonly running: boolean;
  /** The incoming side left COLO (its migration status is no longer `colo`). */
  readonly leftColo: boolean;
  readonly failoverCompleted: boolean;
  readonly checkpoints: number;
  readonly cacheReleased: boolean;
  /** colo_checkpoint_event is set. */
  readonly checkpointEvent: boolean;
}

const PRIMARY_IDLE = new Set(['wait-checkpoint-event', 'wait-exit-event']);
const SECONDARY_IDLE = new Set(['wait-checkpoint-request', 'wait-incoming-event']);
const MULTIFD_MAIN_IDLE = new Set(['idle', 'synced', 'failed']);

/** A live node with nothing to do is quiescent, not hung: its threads wait only where waiting is legitimate. */
function quiescent(node: NodeState): boolean {
  if (node.joiningColo || node.qmpQueue.length > 0 || node.ramPhase !== 'idle' || node.failoverBh)
    return false;
  const colo = node.colo;
  if (colo && colo.status === 'active') {
    const idle = node.config.role === 'primary' ? PRIMARY_IDLE : SECONDARY_IDLE;
    if (!idle.has(String(colo.value))) return false;
  }
  const multifd = node.multifdSend ?? node.multifdRecv;
  if (multifd && !MULTIFD_MAIN_IDLE.has((multifd.value as Record<string, string>).main ?? '')) return false;
  return true;
}

/** The facts of one node state. @internal */
export function nodeFacts(node: NodeState): NodeFacts {
  return {
    threads: enabledThreads(node),
    coloActive: node.colo?.status === 'active',
    channels: Array.from({ length: node.config.multifd ?? 0 }, (_, i) => channelState(node, i)),
    quiescent: quiescent(node),
    running: node.vm === 'running',
    leftColo: node.incoming.value !== 'colo',
    failoverCompleted: node.failover.value === 'completed',
    checkpoints: node.checkpoints,
    cacheReleased: node.coloCache === 'released',
    checkpointEvent: node.qemuEvents.checkpoint,
  };
}
