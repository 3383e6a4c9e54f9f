/**
 * Figure 1: 256 MiB of random, all-dirty pages primary → secondary through the runtime's own data path
 * (RamSender here, RamReceiver + ColoCache in the peer process), plain and multifd 1/2/4, beside a plain
 * socket pump over the same loopback. Modes are interleaved over rounds and the best round is kept, so a
 * noisy moment on this 2-core machine hurts one sample, not one mode.
 */
import { randomFillSync } from 'node:crypto';
import { connect } from 'node:net';
import { GuestRam } from '../runtime/guest/index.js';
import { connectLink, shutdownLink } from '../runtime/node/index.js';
import { RamSender } from '../runtime/node/ram-sender.js';
import { PAGE_SIZE } from '../runtime/wire/index.js';
import type { Peer } from './peer-client.js';
import { MB, r2 } from './stats.js';

export const MODES = ['plain', 'multifd-1', 'multifd-2', 'multifd-4'] as const;
export type Mode = (typeof MODES)[number];
export const channelsOf = (mode: Mode): number => (mode === 'plain' ? 0 : Number(mode.split('-')[1]));

/** A guest of random bytes: no zero pages, so every page travels in full. */
export function randomGuest(bytes: number): GuestRam {
  const guest = new GuestRam(bytes / PAGE_SIZE);
  guest.touch(0, guest.pageCount); // written through `bytes` below
  for (let at = 0; at < bytes; at += 64 * 1024 * 1024)
    randomFillSync(guest.bytes, at, Math.min(64 * 1024 * 1024, bytes - at));
  return guest;
}

/**
 * The loopback limit over `sockets` connections (the mode's page-carrying channels: an equal-channel
 * pump): the data split into one part per socket, each written in 4 MiB writes, and the peer counts and
 * discards what it reads into a reused buffer (nothing decoded, nothing allocated per read).
 * Seconds until the peer has it all.
 */
async function pump(peer: Peer, data: Uint8Array, sockets = 1): Promise<number> {
  const port = await peer.port({ kind: 'pump', bytes: data.byteLength, sockets });
  const connected = await Promise.all(
    Array.from({ length: sockets }, async () => {
      const socket = connect({ host: '127.0.0.1', port });
      await new Promise((resolve) => socket.once('connect', resolve));
      return socket;
    }),
  );
  const done = peer.next();
  const start = performance.now();
  const part = Math.ceil(data.byteLength / sockets);
  await Promise.all(
    connected.map(async (socket, i) => {
      const end = Math.min(data.byteLength, (i + 1) * part);
      for (let at = i * part; at < end; at += 4 * 1024 * 1024) {
        if (!socket.write(data.subarray(at, Math.min(end, at + 4 * 1024 * 1024))))
          await new Promise((resolve) => socket.once('drain', resolve));
      }
    }),
  );
  await done;
  const seconds = (performance.now() - start) / 1000;
  for (const socket of connected) socket.destroy();
  await peer.reset();
  return seconds;
}

/** One precopy pass of all pages, then EOF; seconds until the peer has decoded EOF (after every page). */
async function ram(peer: Peer, guest: GuestRam, multifd: number): Promise<number> {
  const port = await peer.port({ kind: 'ram', pages: guest.pageCount, multifd });
  const link = await connectLink(`tcp:127.0.0.1:${port}`, multifd);
  const sender = new RamSender(link, guest);
  const pages = Array.from({ length: guest.pageCount }, (_, i) => i);
  const done = peer.next();
  const start = performance.now();
  await sender.pages(pages);
  await sender.frames([{ kind: 'eof' }]);
  await done;
  const seconds = (performance.now() - start) / 1000;
  shutdownLink(link);
  await peer.reset();
  return seconds;
}

/** Pages {@link memcpyMBps} copies per round: about one loaded checkpoint's worth (32 MiB). */
const COPY_PAGES = 8192;
let copyTarget: Buffer | undefined;

/**
 * memcpy bandwidth as the secondary's colo cache sees it: 4 KiB pages from scattered places of guest
 * RAM to scattered places of a 64 MiB buffer (neither in the CPU's cache), one Buffer#copy per page. MB/s,
 * best of `rounds`.
 */
export function memcpyMBps(guest: GuestRam, rounds: number): number {
  copyTarget ??= Buffer.alloc(64 * 1024 * 1024);
  const target = copyTarget;
  const source = Buffer.from(guest.bytes.buffer, guest.bytes.byteOffset, guest.byteLength);
  const targetPages = target.length / PAGE_SIZE;
  let best = Number.POSITIVE_INFINITY;
  let x = 0x9e3779b9;
  for (let round = 0; round < rounds; round++) {
    const from = new Uint32Array(COPY_PAGES);
    const to = new Uint32Array(COPY_PAGES);
    for (let i = 0; i < COPY_PAGES; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      from[i] = (x >>> 0) % guest.pageCount;
      to[i] = (x >>> 0) % targetPages;
    }
    const start = performance.now();
    for (let i = 0; i < COPY_PAGES; i++)
      source.copy(target, to[i]! * PAGE_SIZE, from[i]! * PAGE_SIZE, (from[i]! + 1) * PAGE_SIZE);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return Math.round((COPY_PAGES * PAGE_SIZE) / MB / best);
}

/**
 * The link as it is now, for a figure measured right after: the best of `rounds` runs of the mode's
 * equal-channel pump and of `rounds` runs of the mode's data path, interleaved, and memcpy's bandwidth
 * (MB/s each).
 */
export async function bandwidthNow(
  peer: Peer,
  guest: GuestRam,
  mode: Mode,
  rounds: number,
): Promise<{ loopbackMBps: number; modeMBps: number; memcpyMBps: number }> {
  let loop = Number.POSITIVE_INFINITY;
  let path = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    loop = Math.min(loop, await pump(peer, guest.bytes, Math.max(1, channelsOf(mode))));
    path = Math.min(path, await ram(peer, guest, channelsOf(mode)));
  }
  const MBps = (s: number) => Math.round(guest.byteLength / MB / s);
  return { loopbackMBps: MBps(loop), modeMBps: MBps(path), memcpyMBps: memcpyMBps(guest, 2 * rounds) };
}

export interface ThroughputResult {
  /** Best MB/s per mode, of the one-socket pump (`loopback`) and of each mode's equal-channel pump. */
  readonly MBps: Record<Mode | 'loopback' | PumpKey, number>;
  /** Best seconds per mode. */
  readonly seconds: Record<Mode | 'loopback' | PumpKey, number>;
}

type PumpKey = `pump-${Mode}`;
/** The sockets a mode's pages travel on: the main channel, or its multifd channels. */
const pageSockets = (mode: Mode) => Math.max(1, channelsOf(mode));

export async function throughput(peer: Peer, guest: GuestRam, rounds: number): Promise<ThroughputResult> {
  const seconds: Record<string, number> = {};
  const keep = (key: string, s: number) => {
    seconds[key] = Math.min(seconds[key] ?? Number.POSITIVE_INFINITY, s);
  };
  for (let round = 0; round < rounds; round++) {
    keep('loopback', await pump(peer, guest.bytes));
    for (const mode of MODES) {
      keep(`pump-${mode}`, await pump(peer, guest.bytes, pageSockets(mode)));
      keep(mode, await ram(peer, guest, channelsOf(mode)));
    }
  }
  const MBps = Object.fromEntries(
    Object.entries(seconds).map(([k, s]) => [k, Math.round(guest.byteLength / MB / s)]),
  ) as ThroughputResult['MBps'];
  return { MBps, seconds: seconds as ThroughputResult['seconds'] };
}

/**
 * The figure line: MB/s per mode, each as a ratio of the one-socket loopback limit and of the pump over
 * as many sockets as the mode sends pages on (issue 15's target: ≥ 0.8 of the equal-channel pump).
 */
export function throughputLine(result: ThroughputResult, ramBytes: number, rounds: number) {
  const loop = result.MBps.loopback;
  return {
    figure: 'throughput',
    ramMiB: ramBytes / 1024 / 1024,
    pages: 'random, all dirty',
    multifd: [0, 1, 2, 4],
    rounds,
    receiver: 'child_process.fork (separate process)',
    loopbackMBps: loop,
    ...Object.fromEntries(MODES.map((m) => [`${m}MBps`, result.MBps[m]])),
    ...Object.fromEntries(MODES.map((m) => [`${m}VsLoopback`, r2(result.MBps[m] / loop)])),
    ...Object.fromEntries(MODES.map((m) => [`${m}PumpMBps`, result.MBps[`pump-${m}`]])),
    ...Object.fromEntries(MODES.map((m) => [`${m}VsPump`, r2(result.MBps[m] / result.MBps[`pump-${m}`])])),
    target: '>= 0.8 of the equal-channel pump (VsPump)',
  };
}
