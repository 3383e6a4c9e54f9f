/**
 * `npm run bench`: one JSON line per figure on stdout. Every figure is measured side by side in this one
 * run and reported as ratios, because this machine is small and noisy; absolute numbers only make sense
 * beside their reference in the same line.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { killLoopLine } from './kill-loop.js';
import { pauseLine, spreadLines } from './pause.js';
import { Peer } from './peer-client.js';
import { qemuLine } from './qemu.js';
import { MIB } from './stats.js';
import { bandwidthNow, type Mode, randomGuest, throughput, throughputLine } from './throughput.js';

const RAM = 256 * MIB;
// best of 3: the first pump after a pause line runs cold (the peer's pages not yet touched)
const ROUNDS = 3;
// at least 100 checkpoints per line, so that a p99 is not just the worst one; repeats show the spread
const CHECKPOINTS = Number(process.env.BENCH_CHECKPOINTS ?? 100);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const WORKLOADS = [
  { kind: 'idle', pagesPerSecond: 0 },
  { kind: 'uniform', pagesPerSecond: 20_000 },
] as const;
// BENCH_MODES=plain,multifd-4 and BENCH_WORKLOADS=uniform narrow the pause figure (for finding the time);
// multifd-2w and multifd-4w (named only) run the secondary's multifd receive threads in worker threads
const PAUSE_MODES = (['plain', 'multifd-2', 'multifd-4', 'multifd-2w', 'multifd-4w'] as const).filter((m) =>
  (process.env.BENCH_MODES ?? 'plain,multifd-2,multifd-4').split(',').includes(m),
);
const print = (line: object) => console.log(JSON.stringify(line));
// BENCH_FIGURES=throughput,pause,qemu,kill,fuzz,wire,checker runs only those (qemu needs throughput's figures).
// issue 17's scale by default: the kill -9 loop 1,000 runs per layout (plain, multifd 2; BENCH_KILLS=N
// narrows it, BENCH_KILL_PARALLEL pairs at once, default 3; `npm run build` first, or it runs from the
// sources, slower) and the network fuzz 10,000 connections (BENCH_FUZZ=N)
const FIGURES = new Set(
  (process.env.BENCH_FIGURES ?? 'throughput,pause,qemu,kill,fuzz,wire,checker').split(','),
);

const peer = Peer.start();
// BENCH_PIN=split: this process (the primary) on core 0, the peer (the secondary) on core 1; BENCH_PIN=same:
// both on core 0. The pause's dependence on a core per node, shown by running the pair both ways
if (process.env.BENCH_PIN) peer.pin(process.env.BENCH_PIN === 'split' ? [0, 1] : [0, 0]);
try {
  const guest = randomGuest(RAM);
  const tp =
    FIGURES.has('throughput') || FIGURES.has('qemu') ? await throughput(peer, guest, ROUNDS) : undefined;
  if (tp) print(throughputLine(tp, RAM, ROUNDS));
  const lines: Array<Awaited<ReturnType<typeof pauseLine>>> = [];
  for (let repeat = 1; repeat <= (FIGURES.has('pause') ? REPEATS : 0); repeat++)
    for (const workload of WORKLOADS.filter((w) =>
      (process.env.BENCH_WORKLOADS ?? w.kind).split(',').includes(w.kind),
    ))
      for (const name of PAUSE_MODES) {
        const workers = name.endsWith('w');
        const mode = (workers ? name.slice(0, -1) : name) as Mode;
        const line = await pauseLine(
          peer,
          { ram: '256M', mode, workers, workload, checkpoints: CHECKPOINTS, delayMs: 600 },
          await bandwidthNow(peer, guest, mode, ROUNDS),
          `${repeat}/${REPEATS}`,
        );
        lines.push(line);
        print(line);
      }
  for (const line of spreadLines(lines)) print(line);
  if (tp && FIGURES.has('qemu')) print(await qemuLine(tp.seconds, ROUNDS));
  if (FIGURES.has('kill'))
    for (const multifd of [0, 2])
      print(
        await killLoopLine(
          Number(process.env.BENCH_KILLS ?? 1000),
          7,
          multifd,
          Number(process.env.BENCH_KILL_PARALLEL ?? 3),
        ),
      );
  if (FIGURES.has('fuzz'))
    print(await (await import('./fuzz.js')).fuzzLine(Number(process.env.BENCH_FUZZ ?? 10_000)));
} finally {
  peer.stop();
}

// bench/wire.ts (decode speed of the main-channel stream) prints its own line; run it in a fresh process
if (FIGURES.has('wire')) {
  const wire = fork(new URL('./wire.ts', import.meta.url), { stdio: 'inherit' });
  await once(wire, 'exit');
}

// bench/checker.ts (the model checker beside Spin's pan) likewise, in a fresh process
if (FIGURES.has('checker')) {
  const spin = fork(new URL('./checker.ts', import.meta.url), { stdio: 'inherit' });
  await once(spin, 'exit');
}
