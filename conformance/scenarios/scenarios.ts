/**
 * The named scenarios. Each drives the pair through QMP only, the same commands in the same order for
 * QEMU and lockstep; what the implementations do in answer is recorded, not assumed.
 * @packageDocumentation
 */
import type { Scenario, ScenarioContext } from './driver.js';
import type { Role } from './types.js';

const caps = (...names: string[]) => ({
  capabilities: [...names, 'events'].map((capability) => ({ capability, state: true })),
});
/** Small enough that 32M of guest RAM takes minutes: the migration stays active. */
const SLOW = { 'max-bandwidth': 4096 };
/** In-band commands to a COLO primary: QEMU 7.2 under TCG wedges its main loop (docs/conformance.md). */
const WEDGE_MS = 3000;

async function incoming(ctx: ScenarioContext, ...capabilities: string[]): Promise<void> {
  await ctx.exec('secondary', 'migrate-set-capabilities', caps(...capabilities));
  await ctx.exec('secondary', 'migrate-incoming', { uri: ctx.pair.incomingUri });
}

async function migrate(ctx: ScenarioContext): Promise<void> {
  await ctx.exec('primary', 'migrate', { uri: await ctx.pair.migrateUri() });
}

/** Precopy into COLO (seeds/002's order without disks or proxy): x-colo on both, checkpoint delay, migrate. */
async function reachColo(ctx: ScenarioContext, ...extra: string[]): Promise<boolean> {
  await incoming(ctx, 'x-colo', ...extra);
  await ctx.exec('primary', 'migrate-set-capabilities', caps('x-colo', ...extra));
  await ctx.exec('primary', 'migrate-set-parameters', { 'x-checkpoint-delay': ctx.checkpointDelayMs });
  await migrate(ctx);
  const primary = await ctx.waitStatus('primary', ['colo'], 15_000);
  const secondary = await ctx.waitStatus('secondary', ['colo'], 5000);
  return primary && secondary;
}

async function heartbeat(ctx: ScenarioContext, role: Role): Promise<void> {
  await ctx.exec(role, 'x-colo-lost-heartbeat', undefined, role === 'primary' ? { timeoutMs: WEDGE_MS } : {});
}

/** Waits until `role` has left colo (COLO_EXIT, completed or failed), then queries its status. */
async function settle(ctx: ScenarioContext, role: Role, timeoutMs = 4000): Promise<void> {
  await ctx.waitStatus(role, ['completed', 'failed', 'cancelled'], timeoutMs);
  await ctx.exec(role, 'query-status', undefined, { timeoutMs: WEDGE_MS });
}

/** COLO, yank (oob) on one side, then x-colo-lost-heartbeat on that side; both COLO threads leave. */
function yankThenHeartbeat(side: Role): Scenario {
  const peer: Role = side === 'primary' ? 'secondary' : 'primary';
  return {
    name: `yank-${side}`,
    summary: `COLO, yank (oob) on the ${side}, then x-colo-lost-heartbeat on the ${side}`,
    async run(ctx) {
      if (!(await reachColo(ctx))) return;
      await ctx.sleep(500);
      await ctx.exec(side, 'yank', { instances: [{ type: 'migration' }] }, { oob: true });
      await ctx.waitEvent(side, 'COLO_EXIT', 3000);
      await ctx.waitEvent(peer, 'COLO_EXIT', 3000);
      await heartbeat(ctx, side);
      await settle(ctx, side);
    },
  };
}

/** COLO, then `survivor`'s peer killed and x-colo-lost-heartbeat on the survivor. */
function killThenHeartbeat(survivor: Role): Scenario {
  const killed: Role = survivor === 'primary' ? 'secondary' : 'primary';
  return {
    name: `colo-${survivor}-failover`,
    summary: `COLO, then the ${killed} killed and x-colo-lost-heartbeat on the ${survivor}`,
    async run(ctx) {
      if (!(await reachColo(ctx))) return;
      await ctx.sleep(1000);
      await ctx.kill(killed);
      await ctx.waitEvent(survivor, 'COLO_EXIT', 3000);
      await heartbeat(ctx, survivor);
      await settle(ctx, survivor);
    },
  };
}

/** The scenarios, in the order the suite runs them. @public */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'precopy',
    summary: 'plain precopy to completion',
    async run(ctx) {
      await incoming(ctx);
      await ctx.exec('primary', 'migrate-set-capabilities', caps());
      await migrate(ctx);
      await ctx.waitStatus('primary', ['completed', 'failed'], 20_000);
      await ctx.waitStatus('secondary', ['completed', 'failed'], 5000);
      await ctx.exec('secondary', 'query-status');
    },
  },
  {
    name: 'pause-before-switchover',
    summary: 'pause-before-switchover, then migrate-continue',
    async run(ctx) {
      await incoming(ctx);
      await ctx.exec('primary', 'migrate-set-capabilities', caps('pause-before-switchover'));
      await migrate(ctx);
      await ctx.waitStatus('primary', ['pre-switchover', 'failed'], 20_000);
      await ctx.exec('primary', 'migrate-continue', { state: 'pre-switchover' });
      await ctx.waitStatus('primary', ['completed', 'failed'], 10_000);
      await ctx.waitStatus('secondary', ['completed', 'failed'], 5000);
    },
  },
  {
    name: 'cancel-active',
    summary: 'migrate_cancel while active (max-bandwidth 4 KiB/s)',
    async run(ctx) {
      await incoming(ctx);
      await ctx.exec('primary', 'migrate-set-capabilities', caps());
      await ctx.exec('primary', 'migrate-set-parameters', SLOW);
      await migrate(ctx);
      await ctx.waitStatus('primary', ['active'], 10_000);
      await ctx.exec('primary', 'migrate_cancel');
      await ctx.waitStatus('primary', ['cancelled', 'completed', 'failed'], 5000);
      await ctx.waitStatus('secondary', ['failed', 'completed'], 3000);
    },
  },
  {
    name: 'target-killed',
    summary: 'the destination killed during precopy',
    async run(ctx) {
      await incoming(ctx);
      await ctx.exec('primary', 'migrate-set-capabilities', caps());
      await ctx.exec('primary', 'migrate-set-parameters', SLOW);
      await migrate(ctx);
      await ctx.waitStatus('primary', ['active'], 10_000);
      // killed while it loads: its own MIGRATION active must have been recorded first, or the log ends at setup
      await ctx.waitStatus('secondary', ['active'], 10_000);
      await ctx.kill('secondary');
      await ctx.waitStatus('primary', ['failed', 'completed', 'cancelled'], 5000);
      await ctx.exec('primary', 'query-status');
    },
  },
  killThenHeartbeat('secondary'),
  {
    name: 'colo-checkpoints',
    summary: 'COLO with x-checkpoint-delay 300 ms for 1.5 s, then query-status on both sides',
    checkpointDelayMs: 300,
    async run(ctx) {
      if (!(await reachColo(ctx))) return;
      await ctx.sleep(1500);
      await ctx.exec('primary', 'query-status', undefined, { timeoutMs: WEDGE_MS });
      await ctx.exec('secondary', 'query-status');
    },
  },
  killThenHeartbeat('primary'),
  {
    name: 'failover-in-checkpoint',
    summary: 'the primary killed while a checkpoint is in flight (after its STOP), failover on the secondary',
    checkpointDelayMs: 100,
    async run(ctx) {
      if (!(await reachColo(ctx))) return;
      const seen = ctx.side('primary').events.length;
      await ctx.waitEvent('primary', 'STOP', 5000, seen);
      await ctx.kill('primary');
      await ctx.waitEvent('secondary', 'COLO_EXIT', 3000);
      await heartbeat(ctx, 'secondary');
      await settle(ctx, 'secondary');
    },
  },
  yankThenHeartbeat('primary'),
  yankThenHeartbeat('secondary'),
  {
    name: 'cancel-in-colo',
    summary: 'COLO, then migrate_cancel on the primary',
    async run(ctx) {
      if (!(await reachColo(ctx))) return;
      await ctx.sleep(500);
      await ctx.exec('primary', 'migrate_cancel', undefined, { timeoutMs: WEDGE_MS });
      await ctx.waitEvent('primary', 'COLO_EXIT', 2000);
      await ctx.waitEvent('secondary', 'COLO_EXIT', 2000);
      await ctx.exec('primary', 'query-colo-status', undefined, { timeoutMs: WEDGE_MS });
    },
  },
  {
    name: 'split-brain',
    summary: 'COLO, then x-colo-lost-heartbeat on the secondary with the primary alive',
    // the primary notices at its next checkpoint: COLO_EXIT(error), and it keeps running the guest
    checkpointDelayMs: 1000,
    async run(ctx) {
      if (!(await reachColo(ctx))) return;
      await ctx.sleep(500);
      await heartbeat(ctx, 'secondary');
      await settle(ctx, 'secondary');
      await ctx.waitEvent('primary', 'COLO_EXIT', 3000);
      await ctx.exec('primary', 'query-status', undefined, { timeoutMs: WEDGE_MS });
    },
  },
  {
    name: 'colo-multifd',
    summary: 'x-colo together with multifd',
    multifd: 2,
    checkpointDelayMs: 300,
    async run(ctx) {
      await incoming(ctx, 'x-colo', 'multifd');
      await ctx.exec('primary', 'migrate-set-capabilities', caps('x-colo', 'multifd'));
      await ctx.exec('primary', 'migrate-set-parameters', { 'x-checkpoint-delay': ctx.checkpointDelayMs });
      await migrate(ctx);
      if (!(await ctx.waitStatus('primary', ['colo', 'failed', 'completed'], 15_000))) return;
      await ctx.waitStatus('secondary', ['colo', 'failed', 'completed'], 5000);
      await ctx.sleep(1000);
    },
  },
];

/** A scenario by name. @public */
export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
}
