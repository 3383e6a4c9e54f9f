/**
 * A hang judged on the runtime: nothing can move (no enabled thread, nothing to read, no write to fail),
 * yet a live process waits where QEMU never returns from. Each stuck thread is named with the QEMU
 * call it is blocked in.
 * @packageDocumentation
 */
import type { NodeRole, NodeState } from '../machines/index.js';
import {
  channelState,
  coloHoldsBql,
  coloThreadIdle,
  coloThreadRunning,
  describeThreads,
  isQuiescent,
  multifdMainBlockedIn,
  multifdMainIdle,
} from '../machines/index.js';
import type { World } from './world.js';

/** Where a live node waits that it should not: empty when it is quiescent. @public */
export function stuckWaits(n: NodeState): string[] {
  const out: string[] = [];
  const where = describeThreads(n);
  if (coloThreadRunning(n) && !coloThreadIdle(n))
    out.push(`COLO thread in ${where.colo}${coloHoldsBql(n) ? ' holding the BQL' : ''}`);
  if (!multifdMainIdle(n)) {
    const wait = multifdMainBlockedIn(n) ?? where.multifdMain;
    const channels = Array.from({ length: n.config.multifd ?? 0 }, (_, i) => `${i} ${channelState(n, i)}`);
    out.push(
      `multifd main thread in ${where.multifdMain} (multifd.c:${wait}); channels: ${channels.join(', ')}`,
    );
  }
  if (n.joiningColo) out.push(`main loop joining the COLO thread (colo_incoming_co, ${n.joinPhase})`);
  if (n.failoverBh) out.push('failover bottom half scheduled and not run (colo_failover_bh)');
  if (n.qmpQueue.length > 0)
    out.push(`in-band QMP waiting for the main loop: ${n.qmpQueue.map((q) => q.command).join(', ')}`);
  // the same definition as the checker's: whatever isQuiescent objects to is named
  if (out.length === 0 && !isQuiescent(n)) out.push(`the thread moving RAM inside multifd (${n.ramPhase})`);
  return out;
}

/**
 * A hang: nothing can move on the runtime and some live node is not quiescent.
 * @returns the first stuck side and where every stuck thread waits, or null.
 * @public
 */
export function hangDetail(world: World): { side: NodeRole; detail: string } | null {
  if (world.movable().length > 0) return null;
  const stuck = (['primary', 'secondary'] as const).flatMap((side) => {
    const node = world.node(side);
    return node.killed ? [] : stuckWaits(node.state).map((wait) => ({ side, wait }));
  });
  const first = stuck[0];
  if (!first) return null;
  return {
    side: first.side,
    detail: `no thread can move; ${stuck.map((s) => `${s.side}: ${s.wait}`).join('; ')}`,
  };
}

/**
 * Shows what a hang means to an operator: an in-band `query-status` is sent to the stuck side now. While a
 * thread blocks holding the BQL the main loop cannot run it (monitor/qmp.c queues it), so it gets no reply.
 * @returns one sentence for the report.
 * @public
 */
export function probeMainLoop(world: World, side: NodeRole): string {
  const node = world.node(side);
  node.input({ kind: 'qmp', command: 'query-status', id: 'probe' });
  const reply = world.replies[side].get('probe');
  if (!reply)
    return `an in-band query-status sent to the ${side} now gets no reply (its main loop cannot take the BQL)`;
  const status = 'return' in reply ? (reply.return as { status?: string }).status : 'an error';
  return `an in-band query-status sent to the ${side} still answers (${status ?? 'no status'})`;
}
