/**
 * The receiving side of the benchmarks, in its own process (forked by run.ts) so that sender and receiver
 * each have an event loop and a core, as on two hosts. It answers one request at a time over IPC:
 * - `pump`: a plain socket server that discards what it reads, over one socket or N (the loopback TCP limit);
 * - `ram`: listenLink + RamReceiver into a ColoCache, exactly the secondary's precopy data path;
 * - `secondary`: a whole secondary NodeRuntime (attachSecondary), driven like runDemo drives it.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES } from '../machines/index.js';
import { ColoCache, GuestRam } from '../runtime/guest/index.js';
import {
  attachSecondary,
  type CheckpointPhases,
  DEFAULT_RUNTIME_OPTIONS,
  listenLink,
  NodeRuntime,
} from '../runtime/node/index.js';
import { RamReceiver } from '../runtime/node/ram-receiver.js';
import { readIntoReusedBuffer } from '../runtime/node/reused-read.js';
import { writeProfileWindows } from './profile-windows.js';
import type { PeerReply, PeerRequest } from './protocol.js';

const reply = (message: PeerReply) => process.send!(message);
let guest: GuestRam | undefined; // kept across `ram` runs: allocating 2 x 256 MiB each time would be timed noise
let cache: ColoCache | undefined;
let server: Server | undefined;
let node: NodeRuntime | undefined;
let logDir: string | undefined;
/** The process's CPU time and the clock when the secondary started (every thread: workers count). */
let started: { cpu: NodeJS.CpuUsage; at: number } | undefined;

/**
 * The socket limit: `sockets` connections whose reads (into a reused buffer, as the secondary's) are
 * counted and discarded; done once `bytes` came over all of them. Nothing is decoded or allocated per read.
 */
async function pump(bytes: number, sockets: number): Promise<void> {
  let seen = 0;
  const count = (n: number) => {
    seen += n;
    if (seen === bytes) reply({ kind: 'done', at: performance.now() });
  };
  let accepted = 0;
  server = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => count(chunk.length));
    if (++accepted > sockets || !readIntoReusedBuffer(socket, (view) => count(view.length)))
      reply({ kind: 'error', message: 'pump: a socket that cannot read into a reused buffer' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  reply({ kind: 'port', port: (server.address() as AddressInfo).port });
}

async function ram(pages: number, multifd: number): Promise<void> {
  if (guest?.pageCount !== pages) {
    guest = new GuestRam(pages);
    cache = new ColoCache(guest);
  }
  const into = cache!;
  server = await listenLink('tcp:127.0.0.1:0', multifd, (link) => {
    new RamReceiver(
      link,
      pages,
      {
        storeRun: (first, data) => into.storeRun(first, data),
        storePages: (indexes, data) => into.storePages(indexes, data),
        storeZero: (index) => into.storeZero(index),
        // eof comes after the multifd barrier, so every page of every channel is in the cache by then
        frame: (frame) => frame.kind === 'eof' && reply({ kind: 'done', at: performance.now() }),
        broken: () => {},
      },
      undefined,
      undefined,
      true, // the live secondary's reads (secondary-path.ts)
    );
  });
  reply({ kind: 'port', port: (server.address() as AddressInfo).port });
}

async function secondary(request: Extract<PeerRequest, { kind: 'secondary' }>): Promise<void> {
  logDir = await mkdtemp(join(process.env.BENCH_LOG_DIR ?? tmpdir(), 'lockstep-bench-'));
  started = { cpu: process.cpuUsage(), at: performance.now() };
  node = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    profile: PROFILES['qemu-11.0'],
    ram: request.ram,
    multifd: request.multifd,
    ...(request.workers ? { multifdWorkers: true } : {}),
    workload: request.workload,
    role: 'secondary',
    logPath: join(logDir, 'secondary.jsonl'),
  });
  attachSecondary(node);
  const listening = new Promise<AddressInfo>((resolve) => node!.once('listening', resolve));
  await node.qmp('migrate-set-capabilities', { capabilities: [{ capability: 'x-colo', state: true }] });
  await node.qmp('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
  reply({ kind: 'port', port: (await listening).port });
}

/** Ends the current request: servers closed, node stopped, its log removed; returns the secondary's phases. */
async function reset(): Promise<{ phases?: readonly CheckpointPhases[]; cpuMs?: number; wallMs?: number }> {
  const cpu = started && process.cpuUsage(started.cpu);
  const wallMs = started && performance.now() - started.at;
  started = undefined;
  server?.close();
  server = undefined;
  const phases = node?.pauseClock.checkpoints;
  if (phases) writeProfileWindows(phases);
  if (node) {
    node.kill();
    await node.close();
    node = undefined;
  }
  if (logDir && !process.env.BENCH_LOG_DIR) await rm(logDir, { recursive: true, force: true });
  logDir = undefined;
  return {
    ...(phases ? { phases } : {}),
    ...(cpu && wallMs !== undefined ? { cpuMs: (cpu.user + cpu.system) / 1000, wallMs } : {}),
  };
}

process.on('message', (request: PeerRequest) => {
  const work =
    request.kind === 'pump'
      ? pump(request.bytes, request.sockets)
      : request.kind === 'ram'
        ? ram(request.pages, request.multifd)
        : request.kind === 'secondary'
          ? secondary(request)
          : request.kind === 'clock'
            ? Promise.resolve(reply({ kind: 'clock', wallMs: performance.timeOrigin + performance.now() }))
            : reset().then((done) => reply({ kind: 'reset', ...done }));
  work.catch((error: Error) => reply({ kind: 'error', message: error.stack ?? String(error) }));
});
// the parent went away (finished or crashed): leave nothing behind
process.on('disconnect', () => void reset().finally(() => process.exit(0)));
