/**
 * Figure 2: the primary's pause (STOP → RESUME, from primary.stats.checkpoints) at a 600 ms
 * x-checkpoint-delay, idle and load, plain vs multifd 2/4. The primary NodeRuntime runs here, the
 * secondary NodeRuntime in the peer process: the same steps as runDemo with failover 'none', split over
 * two processes as over two hosts. The pause is the primary's own STOP-to-RESUME: the stats fold takes the
 * log time of the COLO step that stops the VM and of the step that resumes it on VMSTATE_LOADED
 * (runtime/node/stats.ts). Beside it:
 * - the floor: each checkpoint's bytes over the loopback pump's bandwidth plus its bytes over memcpy's
 *   (the wire, then the one copy into the colo cache), both measured right before the line (run.ts);
 * - the RAM transfer portion (the seed series' metric): from the primary starting the RAM stream to the
 *   secondary having decoded its EOF, across the two processes' wall clocks (offset from the IPC round
 *   trip, `clockErrorMs` its bound);
 * - where the pause went, per phase, as each node's PauseClock measured it at its edges.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES } from '../machines/index.js';
import { waitFor } from '../runtime/demo/wait.js';
import type { WorkloadKind } from '../runtime/guest/index.js';
import {
  attachPrimary,
  type CheckpointPhases,
  type CheckpointStats,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
} from '../runtime/node/index.js';
import type { Peer } from './peer-client.js';
import { writeProfileWindows } from './profile-windows.js';
import { mean, percentile, r2 } from './stats.js';
import { channelsOf, type Mode } from './throughput.js';

export interface PauseInputs {
  readonly ram: string;
  readonly mode: Mode;
  /** The secondary's multifd receive threads in worker threads (the `multifd-Nw` pause modes). */
  readonly workers?: boolean;
  readonly workload: { kind: WorkloadKind; pagesPerSecond: number };
  readonly checkpoints: number;
  readonly delayMs: number;
}

/** What one run of checkpoints gave: the primary's stats and both sides' phases. */
interface Run {
  readonly checkpoints: readonly CheckpointStats[];
  readonly primary: readonly CheckpointPhases[];
  readonly secondary: readonly CheckpointPhases[];
  /** Each process's CPU time over the run (every thread), in cores: CPU ms / wall ms. */
  readonly cores: { readonly primary: number; readonly secondary: number };
}

/** Precopy into COLO, then `checkpoints` checkpoints; returns the primary's stats and both sides' phases. */
async function run(peer: Peer, inputs: PauseInputs): Promise<Run> {
  const multifd = channelsOf(inputs.mode);
  const workload = { ...inputs.workload, seed: 1 };
  // BENCH_LOG_DIR keeps both nodes' event logs there (timestamps of every step, for finding the time)
  const dir = await mkdtemp(join(process.env.BENCH_LOG_DIR ?? tmpdir(), 'lockstep-bench-'));
  const port = await peer.port({
    kind: 'secondary',
    ram: inputs.ram,
    multifd,
    workload,
    ...(inputs.workers ? { workers: true } : {}),
  });
  const cpuAtStart = process.cpuUsage();
  const startedAt = performance.now();
  let cores = { primary: Number.NaN, secondary: Number.NaN };
  const primary = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    profile: PROFILES['qemu-11.0'],
    ram: inputs.ram,
    multifd,
    checkpointDelayMs: inputs.delayMs,
    workload,
    role: 'primary',
    logPath: join(dir, 'primary.jsonl'),
  });
  attachPrimary(primary);
  let secondary: readonly CheckpointPhases[] = [];
  let ours: Omit<Run, 'secondary' | 'cores'>;
  try {
    await primary.qmp('migrate-set-capabilities', { capabilities: [{ capability: 'x-colo', state: true }] });
    await primary.qmp('cont');
    await primary.qmp('migrate', { uri: `tcp:127.0.0.1:${port}` });
    const timeout = 60_000 + inputs.checkpoints * inputs.delayMs * 3;
    await waitFor(
      primary,
      `${inputs.checkpoints} checkpoints`,
      () => primary.stats.checkpoints.length >= inputs.checkpoints,
      timeout,
    );
    ours = {
      checkpoints: primary.stats.checkpoints.slice(0, inputs.checkpoints),
      primary: primary.pauseClock.checkpoints.slice(0, inputs.checkpoints),
    };
    writeProfileWindows(ours.primary);
  } finally {
    primary.kill();
    await primary.close();
    const cpu = process.cpuUsage(cpuAtStart);
    const wallMs = performance.now() - startedAt;
    const theirs = await peer.resetWithCpu();
    secondary = theirs.phases;
    cores = { primary: (cpu.user + cpu.system) / 1000 / wallMs, secondary: theirs.cpuMs / theirs.wallMs };
    if (!process.env.BENCH_LOG_DIR) await rm(dir, { recursive: true, force: true });
  }
  return { ...ours, secondary, cores };
}

/** Mean and p99 (nearest rank) of the finite values, rounded for printing. */
function summary(xs: readonly number[]): { mean: number; p99: number } {
  const finite = xs.filter(Number.isFinite);
  return { mean: r2(mean(finite)), p99: r2(percentile(finite, 99)) };
}

/** Each phase's mean and p99 over the checkpoints of one side. */
function phaseSummary(records: readonly CheckpointPhases[]) {
  const names = [...new Set(records.flatMap((r) => Object.keys(r.phases)))];
  const out: Record<string, { mean: number; p99: number }> = {};
  for (const name of names) out[name] = summary(records.map((r) => r.phases[name] ?? Number.NaN));
  const fsync = records.map((r) => r.fsyncMs ?? Number.NaN);
  if (fsync.some(Number.isFinite)) out.fsyncAfterResume = summary(fsync);
  return out;
}

/** Below this the floor is nothing but the bytes of a few messages, and a ratio to it means nothing. */
const NO_FLOOR_MS = 0.05;

/** The bandwidths a line's floor is made of, measured right before its checkpoints (MB/s). */
export interface Floor {
  readonly loopbackMBps: number;
  readonly memcpyMBps: number;
  readonly modeMBps: number;
}

/**
 * The figure line for one mode, workload and repeat: the pause's mean and p99 beside the floor, the RAM
 * transfer portion, and each phase's mean and p99 on both sides.
 */
export async function pauseLine(peer: Peer, inputs: PauseInputs, floor: Floor, repeat: string) {
  const clock = await peer.clockOffset();
  const load = loadavg()[0]!;
  const { checkpoints, primary, secondary, cores } = await run(peer, inputs);
  const pauses = checkpoints.map((c) => c.pauseMs);
  const floors = checkpoints.map(
    (c) => c.bytes / ((floor.loopbackMBps * 1e6) / 1000) + c.bytes / ((floor.memcpyMBps * 1e6) / 1000),
  );
  const loaded = new Map(secondary.map((r) => [r.checkpoint, r.ramLoadedWallMs]));
  // the primary's start of the RAM stream to the secondary's EOF, the secondary's clock brought to ours
  const transfer = primary.map((r) => {
    const end = loaded.get(r.checkpoint);
    return r.ramStartWallMs === undefined || end === undefined
      ? Number.NaN
      : end - clock.offsetMs - r.ramStartWallMs;
  });
  const pause = summary(pauses);
  const floorMs = summary(floors);
  const ram = summary(transfer);
  return {
    figure: 'pause',
    ram: inputs.ram,
    mode: `${inputs.mode}${inputs.workers ? 'w' : ''}`,
    multifd: channelsOf(inputs.mode),
    multifdWorkers: inputs.workers === true,
    pin: process.env.BENCH_PIN ?? 'none',
    loadAvg1: r2(load),
    // each process's CPU over the run (every thread), in cores of the machine's two
    cores: { primary: r2(cores.primary), secondary: r2(cores.secondary) },
    workload:
      inputs.workload.kind === 'idle'
        ? 'idle'
        : `${inputs.workload.kind} ${inputs.workload.pagesPerSecond}/s`,
    repeat,
    intervalMs: inputs.delayMs,
    checkpoints: checkpoints.length,
    secondary: 'child_process.fork (separate process)',
    meanDirtyPages: Math.round(mean(checkpoints.map((c) => c.dirtyPages))),
    meanBytes: Math.round(mean(checkpoints.map((c) => c.bytes))),
    pumpMBps: floor.loopbackMBps,
    memcpyMBps: floor.memcpyMBps,
    modePrecopyMBps: floor.modeMBps,
    meanPauseMs: pause.mean,
    p99PauseMs: pause.p99,
    maxPauseMs: r2(Math.max(...pauses)),
    floorMs: floorMs.mean,
    p99FloorMs: floorMs.p99,
    // an idle checkpoint sends ~100 bytes: no floor to speak of (its target is absolute: mean <= 2 ms)
    meanVsFloor: floorMs.mean >= NO_FLOOR_MS ? r2(pause.mean / floorMs.mean) : null,
    p99VsFloor: floorMs.p99 >= NO_FLOOR_MS ? r2(pause.p99 / floorMs.p99) : null,
    ramTransferMeanMs: ram.mean,
    ramTransferP99Ms: ram.p99,
    clockOffsetMs: r2(clock.offsetMs),
    clockErrorMs: r2(clock.errorMs),
    phases: { primary: phaseSummary(primary), secondary: phaseSummary(secondary) },
    targets: 'load: mean <= 1.5 x floor, p99 <= 2.5 x floor; idle: mean <= 2 ms',
  };
}

/** The figures a repeat spread is shown for. */
const SPREAD = [
  'meanPauseMs',
  'p99PauseMs',
  'meanVsFloor',
  'p99VsFloor',
  'ramTransferMeanMs',
  'ramTransferP99Ms',
] as const;

/**
 * One line per mode and workload over its repeats: each figure's range (min-max), and multifd's load
 * p99 against plain's in the same repeat (the issue's multifd target), and a `multifd-Nw` line's mean and
 * p99 against `multifd-N`'s (the receive threads in worker threads, or not).
 */
export function spreadLines(lines: ReadonlyArray<Awaited<ReturnType<typeof pauseLine>>>) {
  const keys = [...new Set(lines.map((l) => `${l.mode}|${l.workload}`))];
  return keys.map((key) => {
    const same = lines.filter((l) => `${l.mode}|${l.workload}` === key);
    const range = (f: (typeof SPREAD)[number]) => {
      const xs = same.map((l) => l[f]).filter((x): x is number => x !== null);
      return xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : null;
    };
    const vsPlain = same.map((l) => {
      const plain = lines.find(
        (p) => p.mode === 'plain' && p.workload === l.workload && p.repeat === l.repeat,
      );
      return plain ? r2(l.p99PauseMs / plain.p99PauseMs) : Number.NaN;
    });
    // a multifd-Nw line (receive threads in workers) against multifd-N's in the same repeat
    const vsThreads = same.map((l) => {
      const base = lines.find(
        (p) => `${p.mode}w` === l.mode && p.workload === l.workload && p.repeat === l.repeat,
      );
      return base
        ? { mean: r2(l.meanPauseMs / base.meanPauseMs), p99: r2(l.p99PauseMs / base.p99PauseMs) }
        : null;
    });
    return {
      figure: 'pause-spread',
      mode: same[0]!.mode,
      workload: same[0]!.workload,
      repeats: same.length,
      checkpointsEach: same[0]!.checkpoints,
      ...Object.fromEntries(SPREAD.map((f) => [f, range(f)])),
      p99VsPlainSameRepeat: vsPlain,
      ...(same[0]!.multifdWorkers ? { vsWithoutWorkersSameRepeat: vsThreads } : {}),
    };
  });
}
