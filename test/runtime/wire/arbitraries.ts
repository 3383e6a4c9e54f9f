/** Shared fast-check arbitraries and helpers for the wire tests. */
import fc from 'fast-check';
import { COLO_MESSAGES } from '../../../machines/vocabulary.js';
import type { Frame, MessageFrame, MultifdPacket } from '../../../runtime/wire/index.js';
import { DIGEST_SUBJECTS, PAGE_SIZE } from '../../../runtime/wire/index.js';

/** RAM size of the test guest, in pages. */
export const RAM_PAGES = 64;

const pageData = (n: number) => fc.integer({ min: 0, max: 255 }).map((b) => Buffer.alloc(n * PAGE_SIZE, b));
const index = fc.integer({ min: 0, max: RAM_PAGES - 1 });
const indexes = (min: number, max: number) =>
  fc.array(index, { minLength: min, maxLength: max }).map((a) => Uint32Array.from(a));
const messages = COLO_MESSAGES.filter((m) => m !== 'vmstate-size') as MessageFrame['message'][];

/** Any main-channel frame. */
export const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.constantFrom(...messages).map((message): Frame => ({ kind: 'message', message })),
  fc.uint8Array({ maxLength: 300 }).map((b): Frame => ({ kind: 'vmstate', blob: Buffer.from(b) })),
  fc.tuple(index, pageData(1)).map(([i, data]): Frame => ({ kind: 'page', index: i, data })),
  index.map((i): Frame => ({ kind: 'zero', index: i })),
  indexes(1, 4).chain((ix) =>
    pageData(ix.length).map((data): Frame => ({ kind: 'batch', indexes: ix, data })),
  ),
  fc.constant<Frame>({ kind: 'flush' }),
  fc.constant<Frame>({ kind: 'eof' }),
  fc.maxSafeNat().map((checkpoint): Frame => ({ kind: 'header', checkpoint })),
  fc
    .tuple(fc.constantFrom(...DIGEST_SUBJECTS), fc.uint8Array({ minLength: 32, maxLength: 32 }))
    .map(([subject, d]): Frame => ({ kind: 'digest', subject, sha256: Buffer.from(d) })),
);

/** Any multifd packet. */
export const packetArb: fc.Arbitrary<MultifdPacket> = fc
  .record({
    channel: fc.integer({ min: 0, max: 15 }),
    packetNum: fc.maxSafeNat(),
    sync: fc.boolean(),
    normal: indexes(0, 4),
    zero: indexes(0, 4),
  })
  .chain((p) => pageData(p.normal.length).map((data) => ({ ...p, data })));

/** Cut points for splitting a stream into socket-like chunks. */
export const cutsArb = fc.array(fc.nat(), { maxLength: 20 });

/** Splits `bytes` at the given cut points (taken modulo its length). */
export function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  if (bytes.length === 0) return [];
  const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

/** Pushes every chunk and drains, then finishes; returns all items. */
export function decodeChunks<T>(
  d: { push(c: Uint8Array): unknown; drain(): T[]; finish(): T[] },
  chunks: readonly Buffer[],
): T[] {
  const out: T[] = [];
  for (const c of chunks) {
    d.push(c);
    out.push(...d.drain());
  }
  out.push(...d.finish());
  return out;
}

/** Runs `f` and returns the error it throws (fails if it does not). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** Buffers as hex and Uint32Arrays as arrays, so deep equality stays fast on page data. */
export function norm(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value instanceof Uint32Array) return [...value];
  if (Array.isArray(value)) return value.map(norm);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, norm(v)]));
  return value;
}

/** Bytes of the given be32 words. */
export function be32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt32BE(v >>> 0, 4 * i);
  return b;
}
