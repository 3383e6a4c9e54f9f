/**
 * Incremental decoder of the main channel and the return path: COLO messages (colo.c) and the RAM
 * stream frames of docs/wire-format.md, with every size checked before it is trusted.
 * @packageDocumentation
 */
import { COLO_MESSAGES } from '../../machines/vocabulary.js';
import { fail } from '../errors.js';
import { BaseDecoder, type BaseDecoderOptions } from './decoder-base.js';
import {
  DEFAULT_MAX_VMSTATE,
  DIGEST_SIZE,
  DIGEST_SUBJECTS,
  FRAME_KIND,
  FRAME_TAG,
  MAX_BATCH_PAGES,
  PAGE_SIZE,
  SAFE_HIGH,
  WORD,
} from './format.js';
import type { Frame, MessageFrame } from './frames.js';

/** Options of {@link StreamDecoder}. @public */
export interface StreamDecoderOptions extends BaseDecoderOptions {
  /** Largest vmstate-size accepted, in bytes (default {@link DEFAULT_MAX_VMSTATE}, 64 MiB). */
  readonly maxVmstate?: number;
}

const VMSTATE_SIZE = COLO_MESSAGES.indexOf('vmstate-size');
const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const be64 = (hi: number, lo: number) => ((BigInt(hi) << 32n) | BigInt(lo)).toString();

/**
 * Decodes the main channel (to_dst_file) or the return path (rp) from arbitrary chunks.
 * @example
 * ```ts
 * const d = new StreamDecoder({ ramPages: 65536 });
 * socket.on('data', (c) => { d.push(c); for (let f = d.next(); f; f = d.next()) handle(f); });
 * socket.on('end', () => d.finish().forEach(handle));
 * ```
 * @public
 */
export class StreamDecoder extends BaseDecoder<Frame> {
  private readonly maxVmstate: number;

  constructor(options: StreamDecoderOptions) {
    super(options);
    this.maxVmstate = options.maxVmstate ?? DEFAULT_MAX_VMSTATE;
  }

  protected parse(): Frame | undefined {
    if (this.inFlight) return this.batchPiece();
    if (!this.has(WORD)) return undefined;
    const word = this.q.u32(0);
    if ((word & 0xffff0000) >>> 0 !== FRAME_TAG) return this.message(word);
    switch (word & 0xffff) {
      case FRAME_KIND.page:
        return this.page();
      case FRAME_KIND.zero:
        return this.fixed('zero', 12) ? { kind: 'zero', index: this.consumeIndex(12) } : undefined;
      case FRAME_KIND.batch:
        return this.batch();
      case FRAME_KIND.flush:
        return this.fixed('flush', WORD) ? this.bare({ kind: 'flush' }) : undefined;
      case FRAME_KIND['enable-colo']:
        return this.fixed('enable-colo', WORD) ? this.bare({ kind: 'enable-colo' }) : undefined;
      case FRAME_KIND.eof:
        return this.fixed('eof', WORD) ? this.bare({ kind: 'eof' }) : undefined;
      case FRAME_KIND.header:
        return this.header();
      case FRAME_KIND.digest:
        return this.digest();
      default:
        return fail('unknown-frame', { actual: hex(word), offset: this.offset, message: 'the main channel' });
    }
  }

  // colo.c:colo_receive_message: be32 value, checked against COLO_MESSAGE__MAX
  private message(word: number): Frame | undefined {
    const message = COLO_MESSAGES[word];
    if (message === undefined) fail('unknown-message', { actual: word, offset: this.offset });
    this.kind = message;
    if (word !== VMSTATE_SIZE) {
      this.q.skip(WORD);
      return { kind: 'message', message } as MessageFrame;
    }
    // colo.c:colo_receive_message_value then qemu_get_buffer into the bioc (colo_incoming_process_checkpoint)
    if (!this.has(12)) return undefined;
    const hi = this.q.u32(4);
    const lo = this.q.u32(8);
    if (hi !== 0 || lo > this.maxVmstate)
      fail('vmstate-size-too-large', {
        actual: be64(hi, lo),
        limit: this.maxVmstate,
        offset: this.offset + 4,
      });
    if (!this.has(12 + lo)) return undefined;
    this.q.skip(12);
    return { kind: 'vmstate', blob: this.q.takeKept(lo) };
  }

  /** Frames with a fixed length: true once all of it is buffered. */
  private fixed(kind: string, n: number): boolean {
    this.kind = kind;
    return this.has(n);
  }

  private bare(frame: Frame): Frame {
    this.q.skip(WORD);
    return frame;
  }

  private consumeIndex(n: number): number {
    const index = this.pageIndex(WORD);
    this.q.skip(n);
    return index;
  }

  // ram.c:save_normal_page / ram_load_precopy RAM_SAVE_FLAG_PAGE
  private page(): Frame | undefined {
    this.kind = 'page';
    if (!this.has(12)) return undefined;
    const index = this.pageIndex(WORD);
    if (!this.has(12 + PAGE_SIZE)) return undefined;
    this.q.skip(12);
    return { kind: 'page', index, data: this.pageData(PAGE_SIZE) };
  }

  private batch(): Frame | undefined {
    this.kind = 'batch';
    if (!this.has(8)) return undefined;
    const count = this.q.u32(WORD);
    if (count === 0 || count > MAX_BATCH_PAGES)
      fail('bad-length', {
        message: 'batch',
        actual: count,
        expected: `1..${MAX_BATCH_PAGES} pages`,
        offset: this.offset + WORD,
      });
    const head = 8 + 8 * count;
    if (!this.has(head)) return undefined;
    const indexes = this.pageIndexes(8, count);
    if (this.options.streamPages) {
      this.q.skip(head);
      this.inFlight = { indexes, done: 0 };
      return this.batchPiece();
    }
    if (!this.has(head + count * PAGE_SIZE)) return undefined;
    this.q.skip(head);
    return { kind: 'batch', indexes, data: this.pageData(count * PAGE_SIZE) };
  }

  /** The next buffered pages of the batch in flight, as a batch frame of their own (`streamPages`). */
  private batchPiece(): Frame | undefined {
    this.kind = 'batch';
    const piece = this.nextPages();
    return piece && { kind: 'batch', indexes: piece.indexes, data: piece.data };
  }

  private header(): Frame | undefined {
    if (!this.fixed('header', 12)) return undefined;
    const hi = this.q.u32(WORD);
    if (hi >= SAFE_HIGH)
      fail('bad-length', {
        message: 'header checkpoint number',
        actual: be64(hi, this.q.u32(8)),
        expected: '< 2^53',
        offset: this.offset + WORD,
      });
    const checkpoint = hi * 2 ** 32 + this.q.u32(8);
    this.q.skip(12);
    return { kind: 'header', checkpoint };
  }

  private digest(): Frame | undefined {
    if (!this.fixed('digest', 8 + DIGEST_SIZE)) return undefined;
    const value = this.q.u32(WORD);
    const subject = DIGEST_SUBJECTS[value];
    if (subject === undefined)
      fail('unknown-frame', { message: 'digest subject', actual: value, offset: this.offset + WORD });
    this.q.skip(8);
    return { kind: 'digest', subject, sha256: this.q.takeKept(DIGEST_SIZE) };
  }
}
