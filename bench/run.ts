/**
 * `npm run bench`: one JSON line per figure on stdout. Every figure is measured side by side in this one
 * run and reported as ratios, because this machine is small and noisy; absolute numbers only make sense
 * beside their reference in the same line.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { killLoopLine } from './kill-loop.js';
import { pauseLine } from './pause.js';
import { Peer } from './peer-client.js';
import { qemuLine } from './qemu.js';
import { MIB } from './stats.js';
import { bandwidthNow, randomGuest, throughput, throughputLine } from './throughput.js';

const RAM = 256 * MIB;
const ROUNDS = 2;
const CHECKPOINTS = Number(process.env.BENCH_CHECKPOINTS ?? 30);
const WORKLOADS = [
  { kind: 'idle', pagesPerSecond: 0 },
  { kind: 'uniform', pagesPerSecond: 20_000 },
] as const;
const print = (line: object) => console.log(JSON.stringify(line));
// BENCH_FIGURES=throughput,pause,qemu,kill,wire,checker runs only those (throughput always runs: the others use it)
const FIGURES = new Set((process.env.BENCH_FIGURES ?? 'throughput,pause,qemu,kill,wire,checker').split(','));

const peer = Peer.start();
try {
  const guest = randomGuest(RAM);
  const tp = await throughput(peer, guest, ROUNDS);
  print(throughputLine(tp, RAM, ROUNDS));
  for (const workload of FIGURES.has('pause') ? WORKLOADS : [])
    for (const mode of ['plain', 'multifd-2', 'multifd-4'] as const)
      print(
        await pauseLine(
          peer,
          { ram: '256M', mode, workload, checkpoints: CHECKPOINTS, delayMs: 600 },
          tp,
          await bandwidthNow(peer, guest, mode, ROUNDS),
        ),
      );
  if (FIGURES.has('qemu')) print(await qemuLine(tp.seconds, ROUNDS));
  if (FIGURES.has('kill'))
    for (const multifd of [0, 2])
      print(await killLoopLine(Number(process.env.BENCH_KILLS ?? 30), 7, multifd));
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
