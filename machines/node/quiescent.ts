import { coloThreadIdle, coloThreadRunning, multifdMainIdle } from './queries.js';
import type { NodeState } from './types.js';

/**
 * A live node with nothing to do is quiescent, not hung: its threads wait only where waiting is
 * legitimate (the states tagged `idle-wait` and `multifd-main-idle`). The checker's deadlock and the
 * replay's hang both stand on this one definition.
 * @public
 */
export function isQuiescent(node: NodeState): boolean {
  if (node.joiningColo || node.qmpQueue.length > 0 || node.ramPhase !== 'idle' || node.failoverBh)
    return false;
  if (coloThreadRunning(node) && !coloThreadIdle(node)) return false;
  return multifdMainIdle(node);
}
