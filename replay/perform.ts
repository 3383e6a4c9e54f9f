/**
 * One trace step performed on the runtime: the inputs it stands for, given to the node it concerns,
 * then the scheduler's quiet point. A step the runtime cannot take returns why, and nothing changes.
 * @packageDocumentation
 */
import type { NodeInput } from '../machines/index.js';
import { type ColoAction, describeColoAction } from '../model/index.js';
import { quiet } from './network.js';
import type { World } from './world.js';

const same = (a: ColoAction, b: ColoAction): boolean => JSON.stringify(a) === JSON.stringify(b);

const qmp = (command: string, id: string, oob = false): NodeInput => ({
  kind: 'qmp',
  command,
  id,
  ...(oob ? { oob } : {}),
});

/**
 * Performs `action` on the runtime and waits for the sockets to be quiet.
 * @returns null when done, or why the runtime cannot take this step (what could move instead).
 * @public
 */
export async function performStep(world: World, action: ColoAction): Promise<string | null> {
  const why = refusal(world, action);
  if (why) return why;
  apply(world, action);
  await world.primaryEdge.completions();
  await quiet(world.connections);
  return null;
}

function refusal(world: World, action: ColoAction): string | null {
  if (action.t === 'trigger') {
    const p = world.primary;
    const armed = !p.killed && p.state.colo?.status === 'active' && !p.state.qemuEvents.checkpoint;
    return armed ? null : 'the primary has no COLO thread waiting for colo_checkpoint_event';
  }
  if (action.t === 'fault' && action.fault === 'link-break') {
    const broken = world.connections.every(({ a, b }) => a.broken && b.broken);
    return broken ? 'the link is already broken' : null;
  }
  if (action.t === 'fault') return world.node(action.side).killed ? `the ${action.side} is dead` : null;
  const movable = world.movable();
  if (movable.some((m) => same(m, action))) return null;
  const could = movable.map(describeColoAction).join('; ') || 'nothing';
  return `the runtime cannot take "${describeColoAction(action)}" (it could: ${could})`;
}

function apply(world: World, action: ColoAction): void {
  const { primaryEdge: p, secondaryEdge: s } = world;
  switch (action.t) {
    case 'step': {
      const channel = action.thread.startsWith('multifd-') ? Number(action.thread.slice(8)) : -1;
      // qio_channel_writev fails: the send thread gets the error instead of finishing its write
      if (action.side === 'primary' && channel >= 0 && world.writeFails(channel))
        world.primary.input({ kind: 'multifd', channel, event: 'write-error' });
      else {
        if (action.side === 'secondary') s.gate(action.thread); // the digest check, before the flush
        world.node(action.side).input({ kind: 'step', thread: action.thread });
      }
      return;
    }
    case 'deliver':
      if (action.to === 'primary') {
        const input = p.main?.held.shift() as NodeInput | undefined;
        if (input) world.primary.input(input);
      } else {
        const item = s.main?.held.shift();
        if (item) s.deliver(item);
      }
      return;
    case 'channel-error': {
      const end = world.mainEnd(action.to);
      if (end) end.errorReported = true;
      world.node(action.to).input({ kind: 'io', completion: 'channel-error' });
      return;
    }
    case 'multifd': {
      const event = world.multifdRead(action.channel)!;
      if (event === 'packet' || event === 'sync-packet') {
        const packet = s.multifd[action.channel]!.held.shift()!;
        if (event === 'packet') s.holdPacket(action.channel, packet);
      }
      world.secondary.input({ kind: 'multifd', channel: action.channel, event });
      return;
    }
    case 'trigger':
      // colo.c:colo_checkpoint_notify_timer; the guest ran for the interval before it
      if (world.primary.state.vm === 'running') p.guestRuns();
      world.primary.input({ kind: 'timer' });
      return;
    case 'fault':
      fault(world, action);
      return;
  }
}

function fault(world: World, action: Extract<ColoAction, { t: 'fault' }>): void {
  const node = world.node(action.side);
  switch (action.fault) {
    case 'yank': // util/yank.c, out of band: shut every migration channel of that process
      node.input(qmp('yank', 'yank', true));
      return;
    case 'heartbeat': // colo-failover.c:qmp_x_colo_lost_heartbeat
      node.input(qmp('x-colo-lost-heartbeat', 'hb'));
      return;
    case 'cancel': // migration.c:qmp_migrate_cancel
      node.input(qmp('migrate_cancel', 'cancel'));
      return;
    case 'kill': {
      node.kill();
      const edge = action.side === 'primary' ? world.primaryEdge : world.secondaryEdge;
      for (const end of [edge.main, ...edge.multifd]) end?.kill();
      return;
    }
    case 'link-break':
      for (const { a, b } of world.connections) {
        a.breakLink();
        b.breakLink();
      }
      return;
  }
}
