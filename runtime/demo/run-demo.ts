import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awaitsFailover, coloMode, coloThreadIdle, type Profile } from '../../machines/index.js';
import { fail } from '../errors.js';
import { attachPrimary, attachSecondary, DEFAULT_RUNTIME_OPTIONS, NodeRuntime } from '../node/index.js';
import { failOverTo } from './lost-heartbeat.js';
import { waitFor } from './wait.js';

/** What `lockstep demo` runs. @public */
export interface DemoOptions {
  readonly profile: Profile;
  readonly ram: string;
  readonly multifd: number;
  /** The secondary's multifd receive threads in worker threads (`RuntimeOptions.multifdWorkers`). */
  readonly multifdWorkers?: boolean;
  readonly checkpoints: number;
  /** The side that takes over after the other is killed (`none`: nobody is killed). */
  readonly failover: 'primary' | 'secondary' | 'none';
  readonly checkpointDelayMs?: number;
  readonly pagesPerSecond?: number;
  /** Where the two event logs go (default: a new temporary folder). */
  readonly logDir?: string;
  /** Log segment size and how many segments each node keeps (defaults: 64 MiB, 8). */
  readonly logSegments?: { readonly bytes: number; readonly keep: number };
  /** Called with one line per milestone, for progress output. */
  readonly progress?: (line: string) => void;
}

/** `lockstep demo --json`: the documented result object. @public */
export interface DemoResult {
  readonly profile: string;
  readonly multifd: number;
  readonly checkpoints: ReadonlyArray<{ pauseMs: number; dirtyPages: number; bytes: number }>;
  readonly failover: {
    side: 'primary' | 'secondary';
    resumedFromCheckpoint: number;
    digestMatch: boolean;
  } | null;
  readonly logs: { readonly primary: string; readonly secondary: string };
  /** Guest RAM (QEMU -m syntax) and x-checkpoint-delay in ms, as the pair ran. */
  readonly ram: string;
  readonly checkpointDelayMs: number;
  /** From `migrate` until the primary's COLO thread waits for its first checkpoint: the precopy, in ms. */
  readonly precopyMs: number;
}

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/** Two started nodes, joined and in COLO. @public */
export interface Pair {
  readonly primary: NodeRuntime;
  readonly secondary: NodeRuntime;
  readonly logs: { readonly primary: string; readonly secondary: string };
  /** From `migrate` until both sides are in COLO, in ms. */
  readonly precopyMs: number;
}

/**
 * Starts a secondary and a primary in this process and drives them over their QMP semantics into COLO,
 * as an operator would (seeds/001): capabilities, migrate-incoming, cont, migrate.
 * @public
 */
export async function startPair(options: DemoOptions): Promise<Pair> {
  const say = options.progress ?? (() => {});
  const dir = options.logDir ?? (await mkdtemp(join(tmpdir(), 'lockstep-demo-')));
  const base = {
    ...DEFAULT_RUNTIME_OPTIONS,
    profile: options.profile,
    ram: options.ram,
    multifd: options.multifd,
    ...(options.multifdWorkers ? { multifdWorkers: true } : {}),
    checkpointDelayMs: options.checkpointDelayMs ?? DEFAULT_RUNTIME_OPTIONS.checkpointDelayMs,
    workload: {
      ...DEFAULT_RUNTIME_OPTIONS.workload,
      pagesPerSecond: options.pagesPerSecond ?? DEFAULT_RUNTIME_OPTIONS.workload.pagesPerSecond,
    },
  };
  // a folder used before keeps its logs: this run's go beside them (primary.2.jsonl…)
  const start = (role: 'primary' | 'secondary') =>
    NodeRuntime.start({
      ...base,
      role,
      logPath: join(dir, `${role}.jsonl`),
      existingLog: 'next-free',
      ...(options.logSegments
        ? { logSegmentBytes: options.logSegments.bytes, logKeepSegments: options.logSegments.keep }
        : {}),
    });
  const secondary = await start('secondary');
  const primary = await start('primary');
  const logs = { primary: primary.logPath, secondary: secondary.logPath };
  attachSecondary(secondary);
  attachPrimary(primary);
  const listening = new Promise<AddressInfo>((resolve) => secondary.once('listening', resolve));
  await secondary.qmp('migrate-set-capabilities', X_COLO);
  await secondary.qmp('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
  const { port } = await listening;
  await primary.qmp('migrate-set-capabilities', X_COLO);
  await primary.qmp('cont');
  const migrateAt = performance.now();
  await primary.qmp('migrate', { uri: `tcp:127.0.0.1:${port}` });
  const channels = options.multifd ? `multifd ${options.multifd}` : 'main channel';
  say(`precopy of ${options.ram} to 127.0.0.1:${port} (${channels})`);
  await waitFor(
    primary,
    'colo',
    () => coloMode(primary.state) === 'primary' && coloThreadIdle(primary.state),
  );
  const precopyMs = performance.now() - migrateAt;
  say(`both sides in colo (${options.profile.name})`);
  return { primary, secondary, logs, precopyMs };
}

/**
 * Both nodes in one process over loopback: precopy into COLO, K checkpoints under load, then one side is
 * killed and the other fails over with x-colo-lost-heartbeat, exactly as an operator would (seeds/001).
 * @public
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const say = options.progress ?? (() => {});
  const { primary, secondary, logs, precopyMs } = await startPair(options);
  try {
    // the checkpoints, unless a COLO thread leaves its loop first (QEMU 7.2 over multifd fails the first one)
    const done = () => primary.stats.checkpoints.length >= options.checkpoints;
    await waitFor(
      [primary, secondary],
      `${options.checkpoints} checkpoints`,
      () => done() || [primary, secondary].some((n) => awaitsFailover(n.state)),
    );
    if (!done()) checkpointFailed(primary, secondary);
    for (const c of primary.stats.checkpoints)
      say(
        `checkpoint ${c.checkpoint}: pause ${c.pauseMs.toFixed(1)} ms, ${c.dirtyPages} pages, ${c.bytes} bytes`,
      );
    const failover =
      options.failover === 'none' ? null : await takeOver(options.failover, primary, secondary, say);
    return {
      profile: options.profile.name,
      multifd: options.multifd,
      checkpoints: primary.stats.checkpoints
        .slice(0, options.checkpoints)
        .map(({ pauseMs, dirtyPages, bytes }) => ({ pauseMs, dirtyPages, bytes })),
      failover,
      logs,
      ram: options.ram,
      checkpointDelayMs: primary.options.checkpointDelayMs,
      precopyMs,
    };
  } finally {
    for (const node of [primary, secondary]) {
      if (!node.killed) node.kill();
      await node.close();
    }
  }
}

/** A COLO thread left its loop before the checkpoints were done (as QEMU 7.2's does over multifd). */
function checkpointFailed(primary: NodeRuntime, secondary: NodeRuntime): never {
  const side = awaitsFailover(secondary.state) ? secondary : primary;
  return fail('checkpoint-failed', {
    expected: primary.stats.checkpoints.length + 1,
    state: side.options.role,
    actual: side.state.lastExitReason,
  });
}

/** Kills the other side, then x-colo-lost-heartbeat on the survivor; checks what it resumed from. */
async function takeOver(
  side: 'primary' | 'secondary',
  primary: NodeRuntime,
  secondary: NodeRuntime,
  say: (l: string) => void,
) {
  const survivor = side === 'primary' ? primary : secondary;
  const victim = side === 'primary' ? secondary : primary;
  victim.kill();
  say(`${victim.options.role} killed`);
  if (side === 'primary') primary.input({ kind: 'timer' }); // the next checkpoint finds the peer gone
  await failOverTo(survivor);
  const resumedFromCheckpoint = secondary.state.checkpoints;
  const loaded = secondary.verified.filter((v) => v.checkpoint <= resumedFromCheckpoint);
  const everyLoadMatched = loaded.length > 0 && loaded.every((v) => v.ram);
  // the secondary resumes from the image of its last load: it must be the primary's image of that checkpoint
  const last = secondary.verified.at(-1);
  const resumedImageMatches =
    side === 'primary' ||
    (last !== undefined && primary.checkpointDigests[last.checkpoint - 1] === last.digest);
  const digestMatch = everyLoadMatched && resumedImageMatches;
  say(
    `${side} took over from checkpoint ${resumedFromCheckpoint}; digests ${digestMatch ? 'match' : 'DIFFER'}`,
  );
  return {
    side,
    resumedFromCheckpoint: side === 'secondary' ? resumedFromCheckpoint : primary.state.checkpoints,
    digestMatch,
  };
}
