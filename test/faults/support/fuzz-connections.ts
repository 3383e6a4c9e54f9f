import { connect, type Socket } from 'node:net';
import { Prng } from '../../../runtime/guest/index.js';
import { encodeFrames, encodeMessage, type Frame } from '../../../runtime/wire/index.js';

/** What one hostile connection does to a migration port. */
export const FUZZ_KINDS = [
  'short-hello', // 1-3 bytes, then a close
  'reset', // a bare connect, then RST
  'reset-mid-hello', // 1-3 bytes, then RST
  'unknown-channel', // a hello naming no channel, then garbage
  'main-garbage', // the main channel's hello, then random bytes
  'main-truncated', // the main channel's hello, then a frame cut short
  'main-absurd', // the main channel's hello, then a frame with an absurd length
  'multifd-absurd', // a multifd hello, then a packet header with an absurd page count
  'intruder-checkpoint', // the main channel's hello, then a whole checkpoint of its own pages
  'slowloris', // half a hello, one byte at a time, then silence
] as const;

/** One kind of hostile connection. */
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** Kinds that never complete a hello: a listener with no peer yet must not change for them. */
export const NO_HELLO_KINDS: readonly FuzzKind[] = ['short-hello', 'reset', 'reset-mid-hello', 'slowloris'];

const word = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
};
const MAIN = word(0xffffffff);

/** What a connection of `kind` sends, and whether it ends with a reset instead of a FIN. */
function script(kind: FuzzKind, rng: Prng): { chunks: Buffer[]; reset: boolean } {
  const random = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.nextInt(256)));
  switch (kind) {
    case 'short-hello':
      return { chunks: [random(1 + rng.nextInt(3))], reset: false };
    case 'reset':
      return { chunks: [], reset: true };
    case 'reset-mid-hello':
      return { chunks: [random(1 + rng.nextInt(3))], reset: true };
    case 'unknown-channel':
      return { chunks: [word(1000 + rng.nextInt(1 << 20)), random(rng.nextInt(64))], reset: false };
    case 'main-garbage':
      return { chunks: [MAIN, random(1 + rng.nextInt(200))], reset: rng.nextInt(2) === 0 };
    case 'main-truncated': {
      const frame = Buffer.concat(encodeFrames([{ kind: 'header', checkpoint: 1 }]));
      return { chunks: [MAIN, frame.subarray(0, 1 + rng.nextInt(frame.length - 1))], reset: false };
    }
    case 'main-absurd': {
      const size = Buffer.alloc(8);
      size.writeBigUInt64BE(0xffffffffffffn);
      return { chunks: [MAIN, word(4), size], reset: false };
    }
    case 'multifd-absurd': {
      const header = Buffer.alloc(32);
      header.writeUInt32BE(0x11223344, 0);
      header.writeUInt32BE(1, 4);
      header.writeUInt32BE(0, 12);
      header.writeUInt32BE(0xffffffff, 24);
      return { chunks: [word(0), header], reset: false };
    }
    case 'intruder-checkpoint': {
      const pages = Buffer.alloc(2 * 4096, 0x66);
      const frames: Frame[] = [
        { kind: 'header', checkpoint: 99 },
        { kind: 'batch', indexes: Uint32Array.of(1, 2), data: pages },
        { kind: 'digest', subject: 'ram', sha256: Buffer.alloc(32, 1) },
        { kind: 'digest', subject: 'device', sha256: Buffer.alloc(32, 2) },
        { kind: 'eof' },
        { kind: 'vmstate', blob: Buffer.alloc(64, 3) },
      ];
      const messages = ['checkpoint-request', 'vmstate-send'] as const;
      return { chunks: [MAIN, ...messages.map(encodeMessage), ...encodeFrames(frames)], reset: false };
    }
    case 'slowloris':
      return { chunks: [random(1), random(1)], reset: false };
  }
}

/**
 * Opens one hostile connection of `kind` to `port` and resolves when it is closed (by the node's refusal
 * or by its own end). A slowloris connection trickles its bytes and then waits `holdMs` for the node to
 * drop it before it gives up itself; the result says who closed it.
 */
export function fuzzConnection(
  kind: FuzzKind,
  port: number,
  rng: Prng,
  { host = '127.0.0.1', holdMs = 200 }: { host?: string; holdMs?: number } = {},
): Promise<'closed-by-node' | 'closed-here'> {
  const { chunks, reset } = script(kind, rng);
  return new Promise((resolve) => {
    let closedHere = false;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect({ host, port });
    socket.on('error', () => {}); // the node may reset us first: that is its refusal
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(closedHere ? 'closed-here' : 'closed-by-node');
    });
    socket.once('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (kind === 'slowloris') await new Promise((r) => setTimeout(r, 20));
      }
      if (socket.destroyed) return;
      const end = () => {
        closedHere = true;
        if (reset) socket.resetAndDestroy();
        else socket.end();
      };
      if (kind === 'slowloris') timer = setTimeout(end, holdMs);
      else end();
    });
  });
}

/**
 * `count` hostile connections, kinds drawn from `kinds` by a seeded generator, `concurrency` at a time.
 * Returns how many of each kind were made.
 */
export async function fuzzPort(
  port: number,
  count: number,
  {
    seed = 1,
    kinds = FUZZ_KINDS,
    concurrency = 16,
    host,
  }: { seed?: number; kinds?: readonly FuzzKind[]; concurrency?: number; host?: string } = {},
): Promise<Record<string, number>> {
  const rng = new Prng(seed);
  const made: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const kind = kinds[rng.nextInt(kinds.length)]!;
      made[kind] = (made[kind] ?? 0) + 1;
      await fuzzConnection(kind, port, rng, host === undefined ? {} : { host });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return made;
}
