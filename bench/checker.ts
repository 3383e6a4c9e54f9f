/**
 * The model checker beside Spin, in one run: the standard configurations (plain, multifd 2 and 3, one
 * fault, every fix) explored by lockstep's BFS (one thread in a fresh process, as `lockstep check` runs;
 * again with partial-order reduction; then two workers, up to multifd 2) and by pan built from
 * `lockstep export promela` with gcc -O2. One JSON line per configuration; the ratios are the figures.
 * Run alone: `npx tsx bench/checker.ts`; `BENCH_CHECKER=plain,multifd-2` picks configurations.
 * `BENCH_CHECKER=multifd-4` (only when picked: ~200 s of CPU and 1.5 GB reduced, then the full search
 * cut at 600 s) runs the seed's configuration with recv-kick-on-exit: reduced to the end, full as far
 * as ten minutes go; pan is not run there (its full search does not end either, see docs/checker.md).
 * Each search reports seconds, CPU seconds (the figure a loaded machine does not distort), the visited
 * set and parent links per state (`bytesPerState`) and peak RSS per state (`rssBytesPerState`: with
 * the BFS queue and the process's ~100 MB floor, so an upper bound for small configurations).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { type ColoModelOptions, checker, createColoModel } from '../model/index.js';
import { exportPromela } from '../model/promela/index.js';
import { buildPan, runPan, spinAvailable } from '../model/spin/index.js';

const ALL = [
  { name: 'plain', options: {}, workers: true },
  { name: 'multifd-2', options: { multifd: 2 }, workers: true },
  // two workers are slower than one thread here already at multifd 2 (docs/checker.md); not run at 3
  { name: 'multifd-3', options: { multifd: 3 }, workers: false },
] as const;
const PICKED = process.env.BENCH_CHECKER?.split(',');
const CONFIGS = ALL.filter((c) => !PICKED || PICKED.includes(c.name));
const MULTIFD_4: ColoModelOptions = { multifd: 4, withFix: ['recv-kick-on-exit'] };

const print = (line: object) => console.log(JSON.stringify(line));

if (PICKED?.includes('multifd-4')) {
  const reduced = await coldSearch(MULTIFD_4, true);
  const full = await coldSearch(MULTIFD_4, false, 600);
  print({
    figure: 'checker-multifd-4',
    config: 'multifd-4 --with-fix recv-kick-on-exit',
    states: full.states,
    complete: full.complete,
    maxDepth: full.maxDepth,
    seconds: round(full.seconds),
    cpuSeconds: round(full.cpuSeconds),
    bytesPerState: round(full.bytesPerState),
    peakRssBytes: full.peakRssBytes,
    rssBytesPerState: round(full.peakRssBytes / full.states),
    porStates: reduced.states,
    porComplete: reduced.complete,
    porSeconds: round(reduced.seconds),
    porCpuSeconds: round(reduced.cpuSeconds),
    porBytesPerState: round(reduced.bytesPerState),
    porPeakRssBytes: reduced.peakRssBytes,
    porRssBytesPerState: round(reduced.peakRssBytes / reduced.states),
    spin: 'not run: its exhaustive search of this configuration outgrows the machine',
    target: { seconds: 600, rssBytes: 8 * 2 ** 30 },
  });
}
if (!(await spinAvailable())) {
  print({ figure: 'checker-vs-spin', skipped: 'spin or gcc missing (apt-get install spin gcc)' });
} else {
  for (const { name, options, workers: withWorkers } of CONFIGS) {
    const one = await coldSearch(options);
    const reduced = await coldSearch(options, true);
    const exported = exportPromela(options); // compiles the tables; not timed
    const build = await buildPan(exported);
    const spin = await runPan(build, 0);
    const workers = withWorkers
      ? await checker(createColoModel(options))
          .workers(2, {
            module: new URL('../model/colo/model.js', import.meta.url).href,
            export: 'createColoModel',
            options,
          })
          .spawnParallelBfs()
      : null;
    const spinAgain = await runPan(build, 0); // Spin's time on either side of lockstep's, for the noise
    const spinSeconds = Math.min(spin.seconds, spinAgain.seconds);
    // compiling the machines into tables happens during the search (first visit of each node state and
    // input): lockstep's counterpart of spin -a and gcc, timed inside the node tables
    const compileSeconds = one.compileSeconds;
    print({
      figure: 'checker-vs-spin',
      config: name,
      states: one.states,
      spinStates: spin.states,
      lockstepSeconds: round(one.seconds),
      lockstepCompileSeconds: round(compileSeconds),
      lockstepSearchSeconds: round(one.seconds - compileSeconds),
      lockstepWorkers2Seconds: workers ? round(workers.seconds) : null,
      // partial-order reduction (--por): safety, deadlock and sometimes verdicts; liveness on the full graph
      porStates: reduced.states,
      porStateRatio: round(reduced.states / one.states),
      porSeconds: round(reduced.seconds),
      porCpuSeconds: round(reduced.cpuSeconds),
      porBytesPerState: round(reduced.bytesPerState),
      porRssBytes: reduced.rssBytes,
      porPeakRssBytes: reduced.peakRssBytes,
      porRssBytesPerState: round(reduced.peakRssBytes / reduced.states),
      rssBytes: one.rssBytes,
      peakRssBytes: one.peakRssBytes,
      rssBytesPerState: round(one.peakRssBytes / one.states),
      lockstepCpuSeconds: round(one.cpuSeconds),
      spinSeconds: round(spinSeconds),
      // pan's search alone: the strict reading of the target
      ratio: round(one.seconds / spinSeconds),
      ratioWorkers2: workers ? round(workers.seconds / spinSeconds) : null,
      ratioPor: round(reduced.seconds / spinSeconds),
      // the searches alone, each side's compile left out (pan's build, lockstep's table compile)
      ratioSearch: round((one.seconds - compileSeconds) / spinSeconds),
      // what a user waits for: spin -a and gcc -O2 are part of Spin's way to a verdict, as compiling the
      // tables is part of lockstep's (lockstep's times above include it)
      spinEndToEndSeconds: round(build.buildSeconds + spinSeconds),
      ratioEndToEnd: round(one.seconds / (build.buildSeconds + spinSeconds)),
      ratioWorkers2EndToEnd: workers ? round(workers.seconds / (build.buildSeconds + spinSeconds)) : null,
      target: { ratio: 1.0, ratioWorkers2WithSymmetry: 0.25 },
      symmetry: 'none: multifd channels are not interchangeable (round robin and the in-order sync walk)',
      bytesPerState: round(one.bytesPerState),
      spinVectorBytes: spin.vectorBytes,
      spinBuildSeconds: round(build.buildSeconds),
      statesPerSecond: Math.round(one.states / one.seconds),
      spinStatesPerSecond: Math.round(spin.states / spinSeconds),
    });
  }
}

interface ColdSearch {
  states: number;
  complete: boolean;
  maxDepth: number;
  seconds: number;
  cpuSeconds: number;
  compileSeconds: number;
  bytesPerState: number;
  rssBytes: number;
  peakRssBytes: number;
}

/**
 * lockstep's one-thread search in a fresh process (bench/checker-cold.ts): cold memo, cold JIT; `por`:
 * reduced; `seconds`: a time limit.
 */
async function coldSearch(options: ColoModelOptions, por = false, seconds?: number): Promise<ColdSearch> {
  const args = [
    JSON.stringify(options),
    ...(por ? ['por'] : []),
    ...(seconds === undefined ? [] : [`seconds=${seconds}`]),
  ];
  const child = fork(new URL('./checker-cold.ts', import.meta.url), args, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    // multifd 4's reduced search holds ~1.5 GB: room beyond V8's default old space
    execArgv: [...process.execArgv, '--max-old-space-size=8000'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench/checker-cold.ts exited with ${code}`);
  return JSON.parse(out) as ColdSearch;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
