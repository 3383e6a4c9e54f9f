/**
 * Figure 2: the primary's pause (STOP → RESUME, from primary.stats.checkpoints) at a 600 ms
 * x-checkpoint-delay, idle and load, plain vs multifd 2/4. The primary NodeRuntime runs here, the
 * secondary NodeRuntime in the peer process: the same steps as runDemo with failover 'none', split over
 * two processes as over two hosts. Each checkpoint's bound is its bytes / the bandwidth of the same
 * mode's data path, measured right before the line (run.ts), as figure 1 measures it. The pause is the
 * primary's own STOP-to-RESUME: the stats fold takes the log time of the COLO step that stops the VM and
 * of the step that resumes it on VMSTATE_LOADED (runtime/node/stats.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES } from '../machines/index.js';
import { waitFor } from '../runtime/demo/wait.js';
import type { WorkloadKind } from '../runtime/guest/index.js';
import {
  attachPrimary,
  type CheckpointStats,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
} from '../runtime/node/index.js';
import type { Peer } from './peer-client.js';
import { mean, percentile, r2 } from './stats.js';
import { channelsOf, type Mode, type ThroughputResult } from './throughput.js';

export interface PauseInputs {
  readonly ram: string;
  readonly mode: Mode;
  readonly workload: { kind: WorkloadKind; pagesPerSecond: number };
  readonly checkpoints: number;
  readonly delayMs: number;
}

/** Precopy into COLO, then `checkpoints` checkpoints; returns the primary's per-checkpoint stats. */
async function run(peer: Peer, inputs: PauseInputs): Promise<readonly CheckpointStats[]> {
  const multifd = channelsOf(inputs.mode);
  const workload = { ...inputs.workload, seed: 1 };
  // BENCH_LOG_DIR keeps both nodes' event logs there (timestamps of every step, for finding the time)
  const dir = await mkdtemp(join(process.env.BENCH_LOG_DIR ?? tmpdir(), 'lockstep-bench-'));
  const port = await peer.port({ kind: 'secondary', ram: inputs.ram, multifd, workload });
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
    return primary.stats.checkpoints.slice(0, inputs.checkpoints);
  } finally {
    primary.kill();
    await primary.close();
    await peer.reset();
    if (!process.env.BENCH_LOG_DIR) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The figure line for one mode and workload: pause mean/p99 beside the bound, and the target ratio.
 * The bound's bandwidth is the mode's own data path, measured right before this line's checkpoints
 * (`now`; the machine's load changes over the minutes of a bench run), or figure 1's when not given. The
 * line also gives the ratio against the loopback limit measured with it, the stricter yardstick.
 */
export async function pauseLine(
  peer: Peer,
  inputs: PauseInputs,
  tp: ThroughputResult,
  now?: { loopbackMBps: number; modeMBps: number },
) {
  const checkpoints = await run(peer, inputs);
  const bandwidthMBps = now?.modeMBps ?? tp.MBps[inputs.mode];
  const loopbackMBps = now?.loopbackMBps ?? tp.MBps.loopback;
  const bytesPerMs = (bandwidthMBps * 1e6) / 1000;
  const pauses = checkpoints.map((c) => c.pauseMs);
  const bounds = checkpoints.map((c) => c.bytes / bytesPerMs);
  const loopBounds = checkpoints.map((c) => c.bytes / ((loopbackMBps * 1e6) / 1000));
  // per checkpoint: pause over its own allowance; the p99 of that is the figure's verdict (target ≤ 1)
  const allowance = checkpoints.map((c, i) => c.pauseMs / (1.2 * bounds[i]! + 2));
  const p99 = percentile(pauses, 99);
  return {
    figure: 'pause',
    ram: inputs.ram,
    mode: inputs.mode,
    multifd: channelsOf(inputs.mode),
    workload:
      inputs.workload.kind === 'idle'
        ? 'idle'
        : `${inputs.workload.kind} ${inputs.workload.pagesPerSecond}/s`,
    intervalMs: inputs.delayMs,
    checkpoints: checkpoints.length,
    secondary: 'child_process.fork (separate process)',
    meanDirtyPages: Math.round(mean(checkpoints.map((c) => c.dirtyPages))),
    meanBytes: Math.round(mean(checkpoints.map((c) => c.bytes))),
    bandwidthMBps,
    bandwidthMeasured: now ? 'right before this line' : 'figure 1',
    loopbackMBps,
    meanPauseMs: r2(mean(pauses)),
    p99PauseMs: r2(p99),
    maxPauseMs: r2(Math.max(...pauses)),
    meanBoundMs: r2(mean(bounds)),
    p99BoundMs: r2(percentile(bounds, 99)),
    p99VsAllowance: r2(p99 / (1.2 * percentile(bounds, 99) + 2)),
    p99PerCheckpointVsAllowance: r2(percentile(allowance, 99)),
    meanPauseVsAllowance: r2(mean(pauses) / (1.2 * mean(bounds) + 2)),
    p99VsLoopbackAllowance: r2(p99 / (1.2 * percentile(loopBounds, 99) + 2)),
    target: 'p99 <= 1.2 x bound + 2 ms',
  };
}
