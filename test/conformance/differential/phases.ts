/**
 * The statuses the corpus is sent in, each a scenario run the same way on QEMU 7.2 and on lockstep
 * (qemu-7.2): the set-up goes through QMP only, then every exchange is sent and what came back recorded.
 */
import type { Scenario, ScenarioContext } from '../../../conformance/scenarios/driver.js';
import type { Role } from '../../../conformance/scenarios/types.js';
import { type Exchange, QUERIES, refusedExchanges } from './corpus.js';
import { eventKey, type Observed, shape } from './shape.js';

/** One exchange and what it gave. */
export interface Recorded extends Exchange {
  readonly role: Role;
  readonly observed: Observed;
}

const caps = (...names: string[]) => ({
  capabilities: names.map((capability) => ({ capability, state: true })),
});

/** Sends every exchange to `role` and records the reply and the events that came while it ran. */
async function send(ctx: ScenarioContext, role: Role, exchanges: readonly Exchange[], out: Recorded[]) {
  for (const exchange of exchanges) {
    const side = ctx.side(role);
    const before = side.events.length;
    const step = await ctx.exec(role, exchange.command, exchange.args);
    const reply =
      step.outcome === 'ok'
        ? `return ${JSON.stringify(shape(JSON.parse(step.detail)))}`
        : step.outcome === 'error'
          ? step.detail
          : step.outcome;
    out.push({ ...exchange, role, observed: { reply, events: side.events.slice(before).map(eventKey) } });
  }
}

async function precopy(ctx: ScenarioContext): Promise<boolean> {
  await ctx.exec('secondary', 'migrate-set-capabilities', caps('events'));
  await ctx.exec('secondary', 'migrate-incoming', { uri: ctx.pair.incomingUri });
  await ctx.exec('primary', 'migrate-set-capabilities', caps('events'));
  await ctx.exec('primary', 'migrate-set-parameters', { 'max-bandwidth': 4096 });
  await ctx.exec('primary', 'migrate', { uri: await ctx.pair.migrateUri() });
  return ctx.waitStatus('primary', ['active']);
}

async function colo(ctx: ScenarioContext): Promise<boolean> {
  await ctx.exec('secondary', 'migrate-set-capabilities', caps('x-colo', 'events'));
  await ctx.exec('secondary', 'migrate-incoming', { uri: ctx.pair.incomingUri });
  await ctx.exec('primary', 'migrate-set-capabilities', caps('x-colo', 'events'));
  await ctx.exec('primary', 'migrate', { uri: await ctx.pair.migrateUri() });
  return (await ctx.waitStatus('primary', ['colo'], 15_000)) && ctx.waitStatus('secondary', ['colo']);
}

/** A phase: its name, how to reach it, what to send to whom. */
export interface Phase {
  readonly name: string;
  reach(ctx: ScenarioContext): Promise<boolean>;
  readonly exchanges: ReadonlyArray<readonly [Role, readonly Exchange[]]>;
}

const valid = (command: string, args?: Record<string, unknown>): Exchange => ({
  command,
  ...(args ? { args } : {}),
  why: 'valid',
});

/** The five statuses of the issue: before migration, precopy, colo, after failover, after a failure. */
export const PHASES: readonly Phase[] = [
  {
    name: 'before-migration',
    reach: async () => true,
    exchanges: [
      [
        'primary',
        [
          ...refusedExchanges(),
          ...QUERIES,
          valid('migrate-set-parameters', { 'downtime-limit': 500, 'x-checkpoint-delay': 20_000 }),
          valid('migrate-set-parameters', { 'multifd-channels': 0 }),
          valid('migrate-set-parameters', { 'compress-level': 10 }),
          valid('migrate-set-parameters', { 'tls-creds': null }),
          valid('migrate-set-capabilities', caps('events')),
          valid('query-migrate-parameters'),
          valid('object-add', { 'qom-type': 'authz-simple', id: 'authz0', identity: 'CN=primary' }),
          valid('object-add', { 'qom-type': 'authz-simple', id: 'authz0', identity: 'CN=primary' }),
          valid('object-del', { id: 'authz0' }),
          valid('object-del', { id: 'authz0' }),
          valid('migrate-continue', { state: 'pre-switchover' }),
          valid('yank', { instances: [] }),
          valid('yank', { instances: [{ type: 'migration' }] }),
          valid('migrate_cancel'),
          valid('stop'),
          valid('cont'),
          valid('stop'),
          valid('query-status'),
          valid('quit'),
        ],
      ],
      [
        'secondary',
        [
          ...QUERIES,
          valid('cont'),
          valid('query-status'),
          valid('migrate-incoming', { uri: 'tcp:127.0.0.1:0' }),
          valid('query-migrate'),
          valid('migrate-incoming', { uri: 'tcp:127.0.0.1:0' }),
        ],
      ],
    ],
  },
  {
    name: 'precopy',
    reach: precopy,
    exchanges: [
      [
        'primary',
        [
          ...refusedExchanges(),
          ...QUERIES,
          valid('migrate-set-capabilities', caps('events')),
          valid('migrate', { uri: 'tcp:127.0.0.1:1' }),
        ],
      ],
      ['secondary', QUERIES],
    ],
  },
  {
    name: 'colo',
    reach: colo,
    exchanges: [
      ['secondary', [...refusedExchanges(), ...QUERIES]],
      ['primary', [...QUERIES]],
    ],
  },
  {
    name: 'after-failover',
    reach: async (ctx) => {
      if (!(await colo(ctx))) return false;
      await ctx.kill('primary');
      await ctx.waitEvent('secondary', 'COLO_EXIT');
      await ctx.exec('secondary', 'x-colo-lost-heartbeat');
      return ctx.waitStatus('secondary', ['completed']);
    },
    exchanges: [['secondary', [...refusedExchanges(), ...QUERIES, valid('x-colo-lost-heartbeat')]]],
  },
  {
    name: 'after-failure',
    reach: async (ctx) => {
      if (!(await precopy(ctx))) return false;
      await ctx.kill('secondary');
      return ctx.waitStatus('primary', ['failed']);
    },
    exchanges: [['primary', [...refusedExchanges(), ...QUERIES]]],
  },
];

/** A phase as a scenario that fills `out`; `reached` is false when the set-up did not get there. */
export function phaseScenario(phase: Phase, out: Recorded[], reached: { value: boolean }): Scenario {
  return {
    name: `differential-${phase.name}`,
    summary: `the corpus in ${phase.name}`,
    async run(ctx) {
      reached.value = await phase.reach(ctx);
      if (!reached.value) return;
      for (const [role, exchanges] of phase.exchanges) await send(ctx, role, exchanges, out);
    },
  };
}
