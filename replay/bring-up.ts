/**
 * The replay's bring-up: the same QMP commands and migration progress as the model's (model/colo
 * bring-up: capabilities, migrate-incoming, migrate, precopy into COLO), over real loopback sockets with
 * a real precopy of guest RAM, then the scheduler settles it the way the model does (the first thing
 * that can move, primary before secondary) until both sides wait in COLO.
 * @packageDocumentation
 */
import { join } from 'node:path';
import { type NodeConfig, type NodeRole, takesSwitchover } from '../machines/index.js';
import { fail } from '../runtime/errors.js';
import { DEFAULT_RUNTIME_OPTIONS, NodeRuntime } from '../runtime/node/index.js';
import { encodeFrames } from '../runtime/wire/index.js';
import { Findings } from './findings.js';
import { quiet } from './network.js';
import { batchFrames } from './pages.js';
import { performStep } from './perform.js';
import { PrimaryEdge } from './primary-edge.js';
import { SecondaryEdge } from './secondary-edge.js';
import { TraceScheduler } from './trace-scheduler.js';
import { World } from './world.js';

const COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/**
 * Starts both nodes as NodeRuntime under a {@link TraceScheduler} each (their logs in `dir`; the guest
 * idles: every page the replay's guest writes is the trace's) and their edges, not yet connected.
 * @public
 */
export async function openWorld(
  config: Omit<NodeConfig, 'role'>,
  dir: string,
  pageCount: number,
  corruptPages = false,
): Promise<World> {
  const findings = new Findings();
  const open = (role: NodeRole) =>
    NodeRuntime.start(
      {
        ...DEFAULT_RUNTIME_OPTIONS,
        role,
        profile: config.profile,
        multifd: config.multifd ?? 0,
        ...(config.fixes ? { fixes: config.fixes } : {}),
        ram: `${pageCount * 4}K`,
        workload: { kind: 'idle', pagesPerSecond: 0, seed: 1 },
        warmUp: false,
        logPath: join(dir, `${role}.log`),
      },
      new TraceScheduler(),
    );
  const [primary, secondary] = await Promise.all([open('primary'), open('secondary')]);
  const p = new PrimaryEdge(primary, findings);
  const s = new SecondaryEdge(secondary, findings, corruptPages);
  const world = new World(primary, secondary, p, s, findings);
  for (const side of ['primary', 'secondary'] as const)
    world.node(side).onEffect((effect) => {
      if (effect.kind === 'qmp-reply') world.replies[side].set(String(effect.id), effect.reply);
    });
  return world;
}

/** Connects the two nodes, runs precopy into COLO and settles. @public */
export async function bringUp(world: World): Promise<void> {
  const { primary, secondary, primaryEdge: p, secondaryEdge: s } = world;
  const qmp = (node: NodeRuntime, command: string, args?: Record<string, unknown>) =>
    node.input({ kind: 'qmp', command, id: command, ...(args ? { arguments: args } : {}) });
  const migration = (node: NodeRuntime, event: string) => node.input({ kind: 'migration', event });

  qmp(secondary, 'migrate-set-capabilities', COLO);
  qmp(secondary, 'migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
  const port = await (s.port ??
    fail('channel-closed', { message: 'migrate-incoming', state: 'not listening' }));
  qmp(primary, 'migrate-set-capabilities', COLO);
  qmp(primary, 'cont');
  qmp(primary, 'migrate', { uri: `tcp:127.0.0.1:${port}` });
  const [up, down] = await Promise.all([p.connecting, s.linked]);
  if (!up || !down) fail('channel-closed', { message: 'migrate', state: 'not connected' });
  p.attach(up);
  s.attach(down);
  migration(secondary, 'load-start');
  migration(primary, 'setup-done');
  precopy(world);
  if (takesSwitchover(primary.state)) migration(primary, 'switchover');
  migration(primary, 'completion-done');
  await quiet(world.connections);
  // process_incoming_migration_co: the incoming side loads the stream it read, up to QEMU_VM_EOF
  for (let item = s.main?.held.shift(); item; item = s.main?.held.shift()) s.deliver(item);
  await settle(world, 0);
}

/**
 * migration.c:migration_iteration_run, one pass: every page (zero pages as flags, ram.c:save_zero_page),
 * then the device state and QEMU_VM_EOF (qemu_savevm_state_complete_precopy).
 */
function precopy(world: World): void {
  const { guest, main } = world.primaryEdge;
  const { device } = world.primary;
  const colo = world.primary.options.profile.enableColoCommand ? [{ kind: 'enable-colo' as const }] : [];
  const zero = [];
  const normal: number[] = [];
  for (let i = 0; i < guest.pageCount; i++) {
    if (guest.isZero(i)) zero.push({ kind: 'zero' as const, index: i });
    else normal.push(i);
  }
  const batches = batchFrames(guest, normal);
  const blob = Buffer.from(device.serialise());
  main?.write(encodeFrames([...colo, ...batches, ...zero, { kind: 'vmstate', blob }, { kind: 'eof' }]));
  guest.dirty.clearAll();
  world.primary.ramDigest.rebuild(); // as the live precopy leaves it: the table describes guest RAM
  world.primaryEdge.digests.set(0, guest.digest());
}

/**
 * Lets the runtime run by itself: the first movable step, again and again, until nothing moves
 * (the model's bring-up settle). Never injects a fault or a trigger.
 * @returns the steps taken.
 * @public
 */
export async function settle(world: World, step: number, limit = 1000): Promise<number> {
  world.findings.step = step;
  for (let taken = 0; taken < limit; taken++) {
    const [next] = world.movable();
    if (!next) return taken;
    await performStep(world, next);
  }
  return limit;
}

/** Closes every socket, the listening server and both logs. @public */
export async function closeWorld(world: World): Promise<void> {
  for (const { a, b } of world.connections) {
    a.socket.destroy();
    b.socket.destroy();
  }
  world.secondaryEdge.closeServer();
  await Promise.all([world.primary.close(), world.secondary.close()]);
}
