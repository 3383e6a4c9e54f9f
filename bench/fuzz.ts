/**
 * The network fuzz at bench scale (the test makes a few hundred connections): a secondary process in COLO
 * with its primary, `connections` hostile connections of every kind on its migration port (short hellos,
 * resets, unknown channels, garbage, truncated and absurd frames, an intruder's checkpoint, slowloris).
 * One JSON line: connections, refusals, crashes, whether COLO went on, QMP latency and RSS before and after.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzPort } from '../test/faults/support/fuzz-connections.js';
import { type LockstepProcess, sigkill } from '../test/faults/support/lockstep-process.js';
import { startPair, status, until } from '../test/faults/support/pair.js';

/** Resident set size of a process in MB (Linux /proc). */
async function rssMb(node: LockstepProcess): Promise<number> {
  const text = await readFile(`/proc/${node.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0) / 1024;
}

/** Milliseconds x-lockstep-status takes to answer. */
async function qmpMs(node: LockstepProcess): Promise<number> {
  const start = performance.now();
  await status(node);
  return performance.now() - start;
}

/** Fuzzes a secondary in COLO with `connections` hostile connections (multifd `multifd`). */
export async function fuzzLine(connections: number, multifd = 2, seed = 5): Promise<object> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-bench-fuzz-'));
  const nodes: LockstepProcess[] = [];
  try {
    const { secondary, primary, port } = await startPair(dir, nodes, { multifd });
    const before = { rss: await rssMb(secondary), qmp: await qmpMs(secondary), s: await status(secondary) };
    const started = performance.now();
    const made = await fuzzPort(port, connections, { seed, concurrency: 32 });
    const seconds = (performance.now() - started) / 1000;
    const after = await until(
      secondary,
      'every refusal and a checkpoint after the fuzz',
      (s) => (s.refusals?.count ?? 0) >= connections && s.checkpoints > before.s.checkpoints,
      60_000,
    );
    const alive = (node: LockstepProcess) => node.child.exitCode === null && node.child.signalCode === null;
    const stderr = secondary.stderr.join('');
    return {
      figure: 'network-fuzz',
      multifd,
      seed,
      connections,
      connectionsPerSecond: Math.round(connections / seconds),
      kinds: made,
      refusals: after.refusals?.count ?? 0,
      crashes: [secondary, primary].filter((node) => !alive(node)).length,
      coloKeptRunning: after.status === 'colo' && after.checkpoints > before.s.checkpoints,
      checkpointsDuring: after.checkpoints - before.s.checkpoints,
      everyCheckpointVerified: after.verified.every((v) => v.ram),
      maxListenersWarnings: stderr.split('MaxListenersExceededWarning').length - 1,
      qmpMs: { before: Number(before.qmp.toFixed(1)), after: Number((await qmpMs(secondary)).toFixed(1)) },
      rssMb: { before: Math.round(before.rss), after: Math.round(await rssMb(secondary)) },
    };
  } finally {
    for (const node of nodes) {
      await node.qmp.close().catch(() => {});
      await sigkill(node);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/fuzz.ts [connections]` runs it alone
if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(await fuzzLine(Number(process.argv[2] ?? 10_000))));
