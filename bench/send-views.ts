/**
 * Issue 15, the gather copy: the primary's CPU to put a checkpoint's scattered pages on a loopback
 * socket, two ways, interleaved in one process so both see the same load:
 * - `gather`: RamSender as it is (each batch's pages copied into a pooled 4 MiB buffer, one writev of
 *   header and buffer);
 * - `views`: RamSender's `views` option, no copy: each batch written as its header and one view of guest
 *   RAM per run of pages inside one cork/uncork (one writev, the kernel copies straight from guest RAM).
 * The sink is another process that drops what it reads. Prints one JSON line: per round and way, the
 * sender's CPU ms (user + system) and wall ms for the checkpoint. `npx tsx bench/send-views.ts [rounds] [pages]`
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { GuestRam, PAGE_SIZE, Prng } from '../runtime/guest/index.js';
import { RamSender } from '../runtime/node/ram-sender.js';
import { flushed } from '../runtime/node/socket-write.js';
import { mean } from './stats.js';

const ROUNDS = Number(process.argv[2] ?? 6);
const PAGES = Number(process.argv[3] ?? 8192);

/** A process that accepts one connection, prints its port, and drops every byte. */
async function sink(): Promise<{ port: number; stop(): void }> {
  const code = `const s=require('net').createServer(c=>c.on('data',()=>{}));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), stop: () => child.kill() };
}

async function timed(run: () => Promise<void>): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started };
}

const { port, stop } = await sink();
try {
  const guest = new GuestRam(65_536);
  new Prng(1).fill(guest.bytes);
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  const sender = new RamSender({ main: socket, multifd: [] }, guest);
  const prng = new Prng(2);
  const rounds: Array<Record<string, { cpuMs: number; wallMs: number }>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    // a checkpoint's dirty pages: scattered, ascending (as the dirty bitmap lists them)
    const pick = new Set<number>();
    while (pick.size < PAGES) pick.add(prng.nextInt(guest.pageCount));
    const pages = [...pick].sort((a, b) => a - b);
    const send = async (how: { views?: boolean } = {}) => {
      await sender.pages(pages, undefined, how);
      await flushed(socket);
    };
    const gather = () => send();
    const order = round % 2 === 0 ? (['gather', 'views'] as const) : (['views', 'gather'] as const);
    const line: Record<string, { cpuMs: number; wallMs: number }> = {};
    for (const way of order) line[way] = await timed(way === 'gather' ? gather : () => send({ views: true }));
    rounds.push(line);
  }
  socket.destroy();
  const of = (way: string, key: 'cpuMs' | 'wallMs') => rounds.map((r) => Math.round(r[way]![key] * 10) / 10);
  console.log(
    JSON.stringify({
      figure: 'send-views',
      pages: PAGES,
      mbPerCheckpoint: Math.round((PAGES * PAGE_SIZE) / 1e5) / 10,
      gatherCpuMs: of('gather', 'cpuMs'),
      viewsCpuMs: of('views', 'cpuMs'),
      gatherWallMs: of('gather', 'wallMs'),
      viewsWallMs: of('views', 'wallMs'),
      viewsVsGatherCpu: Math.round((mean(of('views', 'cpuMs')) / mean(of('gather', 'cpuMs'))) * 100) / 100,
    }),
  );
} finally {
  stop();
}
