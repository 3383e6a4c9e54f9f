/**
 * One thread against two workers, side by side in one run (issue 16 item 4): `lockstep check` from the
 * built dist in a fresh process each time, alternating one worker and two, `BENCH_WORKERS_REPEAT` pairs
 * (default 3) per configuration. Prints one JSON line per configuration with each run's wall and CPU
 * seconds, the median ratio (two workers' wall time over one thread's) and the load average when it
 * started and ended: on a shared machine only the ratio within one run means anything.
 * Run: `npm run build && npx tsx bench/checker-workers.ts`; `BENCH_CHECKER=multifd-2,multifd-3` picks.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';

const ALL = {
  'multifd-2': ['--multifd', '2'],
  'multifd-3': ['--multifd', '3'],
  'faults-2': ['--multifd', '2', '--faults', '2', '--with-fix', 'recv-kick-on-exit'],
} as const;
type Config = keyof typeof ALL;
const PICKED = (process.env.BENCH_CHECKER?.split(',') ?? ['multifd-2']) as Config[];
const REPEAT = Number(process.env.BENCH_WORKERS_REPEAT ?? 3);
const bin = new URL('../bin/lockstep.js', import.meta.url).pathname;

interface Run {
  workers: number;
  states: number;
  wall: number;
  cpu: number;
}

/** One `lockstep check` in its own process: wall seconds from outside, CPU seconds from /proc-free rusage. */
async function check(args: readonly string[], workers: number): Promise<Run> {
  const start = performance.now();
  const child = spawn(
    '/usr/bin/time',
    ['-f', '%U %S', process.execPath, bin, 'check', ...args, '--workers', String(workers), '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await once(child, 'exit');
  const wall = (performance.now() - start) / 1000;
  const [user, system] = err.trim().split('\n').at(-1)!.split(' ').map(Number);
  const { states } = JSON.parse(out) as { states: number };
  return { workers, states, wall, cpu: user! + system! };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 1000) / 1000;

for (const name of PICKED) {
  const load = loadavg()[0]!;
  const runs: Run[] = [];
  for (let i = 0; i < REPEAT; i++) {
    // alternate which goes first, so a change of load hits both sides alike
    const order = i % 2 === 0 ? [1, 2] : [2, 1];
    for (const w of order) runs.push(await check(ALL[name], w));
  }
  const of = (w: number) => runs.filter((r) => r.workers === w);
  const ratios = of(1).map((one, i) => of(2)[i]!.wall / one.wall);
  console.log(
    JSON.stringify({
      figure: 'checker-workers',
      config: name,
      states: runs[0]!.states,
      oneThreadWall: of(1).map((r) => round(r.wall)),
      twoWorkersWall: of(2).map((r) => round(r.wall)),
      oneThreadCpu: of(1).map((r) => round(r.cpu)),
      twoWorkersCpu: of(2).map((r) => round(r.cpu)),
      medianWallRatio: round(median(ratios)),
      target: 'two workers at least 1.3x faster: ratio <= 0.77',
      loadAverage: { start: round(load), end: round(loadavg()[0]!) },
    }),
  );
}
