/**
 * Encoder of the main channel and the return path. Each function returns a chunk list for
 * `socket.cork(); chunks.forEach(write); socket.uncork()` (one writev): headers are small
 * Buffer.allocUnsafe blocks, page data and blobs are passed through uncopied.
 * @packageDocumentation
 */
import { COLO_MESSAGES } from '../../machines/vocabulary.js';
import { fail } from '../errors.js';
import {
  DIGEST_SIZE,
  DIGEST_SUBJECTS,
  type DigestSubject,
  FRAME_KIND,
  FRAME_TAG,
  PAGE_SIZE,
  WORD,
} from './format.js';
import type { Frame, MessageFrame } from './frames.js';

/** Writes a be64 from a non-negative safe integer. @internal */
export function writeBe64(buf: Buffer, value: number, at: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    fail('bad-length', { message: what, actual: value, expected: 'a non-negative integer' });
  buf.writeUInt32BE(Math.floor(value / 2 ** 32), at);
  buf.writeUInt32BE(value % 2 ** 32, at + 4);
}

function tagged(kind: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32BE((FRAME_TAG | kind) >>> 0, 0);
  return buf;
}

/** A bare COLO message: its be32 index in COLO_MESSAGES (colo.c:colo_send_message). @public */
export function encodeMessage(message: MessageFrame['message']): Buffer {
  const value = COLO_MESSAGES.indexOf(message);
  if (value < 0 || message === ('vmstate-size' as string)) fail('unknown-message', { actual: message });
  const buf = Buffer.allocUnsafe(WORD);
  buf.writeUInt32BE(value, 0);
  return buf;
}

/** VMSTATE_SIZE, be64 size, then the blob (colo.c:colo_do_checkpoint_transaction). @public */
export function encodeVmstate(blob: Buffer): Buffer[] {
  const head = Buffer.allocUnsafe(12);
  head.writeUInt32BE(COLO_MESSAGES.indexOf('vmstate-size'), 0);
  writeBe64(head, blob.length, WORD, 'vmstate-size');
  return [head, blob];
}

/** One page: tag, be64 index, 4096 bytes (ram.c:save_normal_page). @public */
export function encodePage(index: number, data: Buffer): Buffer[] {
  if (data.length !== PAGE_SIZE)
    fail('bad-length', { message: 'page', actual: data.length, expected: PAGE_SIZE });
  const head = tagged(FRAME_KIND.page, 12);
  writeBe64(head, index, WORD, 'page index');
  return [head, data];
}

/** A zero page: tag and be64 index, no data (ram.c:save_zero_page). @public */
export function encodeZero(index: number): Buffer {
  const buf = tagged(FRAME_KIND.zero, 12);
  writeBe64(buf, index, WORD, 'page index');
  return buf;
}

/** A batch: tag, be32 count, count be64 indexes, then count × 4096 bytes of data. @public */
export function encodeBatch(indexes: ArrayLike<number>, data: Buffer): Buffer[] {
  const count = indexes.length;
  if (data.length !== count * PAGE_SIZE)
    fail('bad-length', { message: 'batch', actual: data.length, expected: count * PAGE_SIZE });
  const head = tagged(FRAME_KIND.batch, 8 + 8 * count);
  head.writeUInt32BE(count, WORD);
  for (let i = 0; i < count; i++) writeBe64(head, indexes[i]!, 8 + 8 * i, 'page index');
  return [head, data];
}

/** The checkpoint header: tag and be64 checkpoint number. @public */
export function encodeHeader(checkpoint: number): Buffer {
  const buf = tagged(FRAME_KIND.header, 12);
  writeBe64(buf, checkpoint, WORD, 'header checkpoint number');
  return buf;
}

/** A digest: tag, be32 subject (0 ram, 1 device), 32 bytes of SHA-256. @public */
export function encodeDigest(subject: DigestSubject, sha256: Buffer): Buffer {
  if (sha256.length !== DIGEST_SIZE)
    fail('bad-length', { message: 'digest', actual: sha256.length, expected: DIGEST_SIZE });
  const buf = tagged(FRAME_KIND.digest, 8 + DIGEST_SIZE);
  buf.writeUInt32BE(DIGEST_SUBJECTS.indexOf(subject), WORD);
  sha256.copy(buf, 8);
  return buf;
}

/** Any frame as a chunk list. @public */
export function encodeFrame(frame: Frame): Buffer[] {
  switch (frame.kind) {
    case 'message':
      return [encodeMessage(frame.message)];
    case 'vmstate':
      return encodeVmstate(frame.blob);
    case 'page':
      return encodePage(frame.index, frame.data);
    case 'zero':
      return [encodeZero(frame.index)];
    case 'batch':
      return encodeBatch(frame.indexes, frame.data);
    case 'flush':
      return [tagged(FRAME_KIND.flush, WORD)];
    case 'eof':
      return [tagged(FRAME_KIND.eof, WORD)];
    case 'enable-colo':
      return [tagged(FRAME_KIND['enable-colo'], WORD)];
    case 'header':
      return [encodeHeader(frame.checkpoint)];
    case 'digest':
      return [encodeDigest(frame.subject, frame.sha256)];
  }
}

/** Several frames as one chunk list. @public */
export function encodeFrames(frames: Iterable<Frame>): Buffer[] {
  const out: Buffer[] = [];
  for (const f of frames) out.push(...encodeFrame(f));
  return out;
}
