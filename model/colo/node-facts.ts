import {
  channelReads,
  channelWrites,
  enabledThreads,
  failoverCompleted,
  isQuiescent,
  type NodeState,
  type NodeThread,
  nodeServesVm,
  TAG,
} from '../../machines/index.js';

/** What the composition reads of a node, derived once per distinct node state. @public */
export interface NodeFacts {
  readonly threads: readonly NodeThread[];
  /** The COLO thread runs (its machine is active, not done). */
  readonly coloActive: boolean;
  /** Each multifd channel's receive thread is blocked reading its socket. */
  readonly reading: readonly boolean[];
  /** Each multifd channel's send thread is about to write on its socket. */
  readonly writing: readonly boolean[];
  /** Alive with nothing to do, waiting only where waiting is legitimate (not hung). */
  readonly quiescent: boolean;
  readonly running: boolean;
  /** The incoming side left COLO (its migration status is no longer `colo`, tagged `replica`). */
  readonly leftColo: boolean;
  /** The node runs the guest as the service (machines' `servesVm`, the one definition of split brain). */
  readonly servesVm: boolean;
  readonly failoverCompleted: boolean;
  readonly checkpoints: number;
  readonly cacheReleased: boolean;
  /** colo_checkpoint_event is set. */
  readonly checkpointEvent: boolean;
}

/**
 * The periodic timer may fire (colo.c:colo_checkpoint_notify sets colo_checkpoint_event): the COLO thread
 * runs and no checkpoint request is pending. The model's trigger and the table closure both ask this.
 * @internal
 */
export const checkpointTimerArmed = (facts: NodeFacts): boolean => facts.coloActive && !facts.checkpointEvent;

/** The facts of one node state. @internal */
export function nodeFacts(node: NodeState): NodeFacts {
  return {
    threads: enabledThreads(node),
    coloActive: node.colo?.status === 'active',
    reading: Array.from({ length: node.config.multifd ?? 0 }, (_, i) => channelReads(node, i)),
    writing: Array.from({ length: node.config.multifd ?? 0 }, (_, i) => channelWrites(node, i)),
    quiescent: isQuiescent(node),
    running: node.vm === 'running',
    leftColo: !node.incoming.hasTag(TAG.replica),
    servesVm: nodeServesVm(node),
    failoverCompleted: failoverCompleted(node),
    checkpoints: node.checkpoints,
    cacheReleased: node.coloCache === 'released',
    checkpointEvent: node.qemuEvents.checkpoint,
  };
}
