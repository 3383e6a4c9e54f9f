import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awaitsFailover, coloMode, coloThreadIdle, type Profile } from '../../machines/index.js';
import { createNodeBackend, type QmpExecute, setUpMigrationTls } from '../control/index.js';
import { fail } from '../errors.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  linkChannels,
  NodeRuntime,
} from '../node/index.js';
import type { QmpBackend } from '../qmp/index.js';
import { makeDemoCerts } from './demo-certs.js';
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
  /**
   * Migration TLS: certificates made for the run (a CA, the secondary's server and the primary's client
   * certificate), set up on both nodes over QMP (object-add tls-creds-x509, authz-simple, migrate-set-parameters)
   * with mutual authentication (default false).
   */
  readonly tls?: boolean;
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
  /**
   * With `tls`: the migration's channels (the main channel and each multifd channel) and how many of them
   * were TLS sessions on both sides once in COLO; null without TLS.
   */
  readonly migrationTls: { readonly channels: number; readonly encrypted: number } | null;
}

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/** Two started nodes, joined and in COLO. @public */
export interface Pair {
  readonly primary: NodeRuntime;
  readonly secondary: NodeRuntime;
  readonly logs: { readonly primary: string; readonly secondary: string };
  /** From `migrate` until both sides are in COLO, in ms. */
  readonly precopyMs: number;
  /** With `tls`: the channels and how many were TLS sessions on both sides (see {@link DemoResult}). */
  readonly migrationTls: DemoResult['migrationTls'];
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
  // driven through each node's QMP backend, the commands an operator sends
  const backendOptions = { version: options.profile.qemuVersion };
  const execute = {
    primary: executeOn(createNodeBackend(primary, backendOptions)),
    secondary: executeOn(createNodeBackend(secondary, backendOptions)),
  };
  const qmp = { primary: commandsOf(execute.primary), secondary: commandsOf(execute.secondary) };
  if (options.tls) await setUpTls(execute, await mkdtemp(join(tmpdir(), 'lockstep-demo-tls-')), say);
  const listening = new Promise<AddressInfo>((resolve) => secondary.once('listening', resolve));
  await qmp.secondary('migrate-set-capabilities', X_COLO);
  await qmp.secondary('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
  const { port } = await listening;
  await qmp.primary('migrate-set-capabilities', X_COLO);
  await qmp.primary('cont');
  const migrateAt = performance.now();
  await qmp.primary('migrate', { uri: `tcp:127.0.0.1:${port}` });
  const channels = options.multifd ? `multifd ${options.multifd}` : 'main channel';
  say(`precopy of ${options.ram} to 127.0.0.1:${port} (${channels})`);
  await waitFor(
    primary,
    'colo',
    () => coloMode(primary.state) === 'primary' && coloThreadIdle(primary.state),
  );
  const precopyMs = performance.now() - migrateAt;
  say(`both sides in colo (${options.profile.name})`);
  const migrationTls = options.tls ? tlsChannels(primary, secondary) : null;
  if (migrationTls) say(`migration TLS: ${migrationTls.encrypted} of ${migrationTls.channels} channels`);
  return { primary, secondary, logs, precopyMs, migrationTls };
}

type Commands = (command: string, args?: Record<string, unknown>) => Promise<void>;

/** A backend's commands as the operator's QMP client sends them (never out of band). */
const executeOn =
  (backend: QmpBackend): QmpExecute =>
  (command, args) =>
    backend.execute(command, args, { oob: false });

/** Commands whose refusal is a `qmp-refused` LockstepError (the demo's commands are its own). */
function commandsOf(execute: QmpExecute): Commands {
  return async (command, args = {}) => {
    const reply = await execute(command, args);
    if ('error' in reply) fail('qmp-refused', { message: command, actual: reply.error.desc });
  };
}

/** Certificates for the run, and migration TLS set up on both sides the way `--tls-creds` does it. */
async function setUpTls(
  execute: { readonly primary: QmpExecute; readonly secondary: QmpExecute },
  dir: string,
  say: (line: string) => void,
): Promise<void> {
  const certs = await makeDemoCerts(dir);
  say(`migration TLS: certificates made for this run; the secondary accepts only ${certs.clientDn}`);
  await setUpMigrationTls(execute.secondary, 'secondary', { creds: certs.server, authz: certs.clientDn });
  await setUpMigrationTls(execute.primary, 'primary', { creds: certs.client, hostname: 'localhost' });
  // object-add read the files: the keys need not outlive the set-up
  await rm(dir, { recursive: true, force: true });
}

/** The migration's channels, and how many are TLS sessions on both sides. */
function tlsChannels(primary: NodeRuntime, secondary: NodeRuntime): DemoResult['migrationTls'] {
  const none = { count: 0, tls: 0 };
  const mine = primary.link ? linkChannels(primary.link) : none;
  const theirs = secondary.link ? linkChannels(secondary.link) : none;
  return { channels: 1 + primary.options.multifd, encrypted: Math.min(mine.tls, theirs.tls) };
}

/**
 * Both nodes in one process over loopback: precopy into COLO, K checkpoints under load, then one side is
 * killed and the other fails over with x-colo-lost-heartbeat, exactly as an operator would (seeds/001).
 * @public
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const say = options.progress ?? (() => {});
  const { primary, secondary, logs, precopyMs, migrationTls } = await startPair(options);
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
      migrationTls,
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
