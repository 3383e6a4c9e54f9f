/**
 * Incremental decoder of one multifd channel (multifd.c:multifd_recv_thread reads a header, then
 * the body; multifd_recv_unfill_packet checks magic, version, flags and page counts).
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { BaseDecoder } from './decoder-base.js';
import {
  MAX_BATCH_PAGES,
  MULTIFD_FLAG_SYNC,
  MULTIFD_HEADER,
  MULTIFD_MAGIC,
  MULTIFD_VERSION,
  PAGE_SIZE,
  SAFE_HIGH,
} from './format.js';
import type { MultifdPacket } from './multifd.js';

const NONE = new Uint32Array(0);
const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Decodes the packets of one multifd channel from arbitrary chunks.
 * @example
 * ```ts
 * const d = new MultifdDecoder({ ramPages });
 * socket.on('data', (c) => { d.push(c); for (let p = d.next(); p; p = d.next()) apply(p); });
 * ```
 * @public
 */
export class MultifdDecoder extends BaseDecoder<MultifdPacket> {
  /** The packet whose pages are yielded as they arrive (`streamPages`): all but its page list. */
  private packet: Omit<MultifdPacket, 'normal' | 'data'> | undefined;

  protected parse(): MultifdPacket | undefined {
    this.kind = 'multifd packet';
    if (this.inFlight) return this.piece();
    const q = this.q;
    if (!this.has(MULTIFD_HEADER)) return undefined;
    const at = this.offset;
    // multifd.c:multifd_recv_unfill_packet
    const magic = q.u32(0);
    if (magic !== MULTIFD_MAGIC)
      fail('unknown-frame', { message: 'multifd packet magic', actual: hex(magic), offset: at });
    const version = q.u32(4);
    if (version !== MULTIFD_VERSION)
      fail('unknown-frame', { message: 'multifd packet version', actual: version, offset: at + 4 });
    const flags = q.u32(8);
    if ((flags & ~MULTIFD_FLAG_SYNC) !== 0)
      fail('unknown-frame', { message: 'multifd packet flags', actual: hex(flags), offset: at + 8 });
    const hi = q.u32(16);
    if (hi >= SAFE_HIGH)
      fail('bad-length', {
        message: 'multifd packet number',
        actual: hex(hi),
        expected: '< 2^53',
        offset: at + 16,
      });
    const normalCount = q.u32(24);
    const zeroCount = q.u32(28);
    // multifd-nocomp.c:multifd_ram_unfill_packet: "received packet with %u pages and expected maximum pages are %u"
    if (normalCount > MAX_BATCH_PAGES || zeroCount > MAX_BATCH_PAGES - normalCount)
      fail('bad-length', {
        message: 'multifd packet',
        actual: normalCount + zeroCount,
        expected: `≤ ${MAX_BATCH_PAGES} pages`,
        offset: at + 24,
      });
    const pages = normalCount + zeroCount;
    const head = MULTIFD_HEADER + 8 * pages;
    if (!this.has(head)) return undefined;
    const indexes = this.pageIndexes(MULTIFD_HEADER, pages);
    const channel = q.u32(12);
    const packetNum = hi * 2 ** 32 + q.u32(20);
    if (this.options.streamPages) {
      q.skip(head);
      const sync = (flags & MULTIFD_FLAG_SYNC) !== 0;
      this.packet = { channel, packetNum, sync, zero: indexes.subarray(normalCount) };
      this.inFlight = { indexes: indexes.subarray(0, normalCount), done: 0 };
      return this.piece();
    }
    if (!this.has(head + normalCount * PAGE_SIZE)) return undefined;
    q.skip(head);
    const data = this.pageData(normalCount * PAGE_SIZE);
    const normal = indexes.subarray(0, normalCount);
    const zero = indexes.subarray(normalCount);
    return { channel, packetNum, sync: (flags & MULTIFD_FLAG_SYNC) !== 0, normal, zero, data };
  }

  /** The next buffered pages of the packet in flight; the last piece carries its zero pages and SYNC. */
  private piece(): MultifdPacket | undefined {
    const packet = this.packet!;
    const next = this.nextPages();
    if (next === undefined) return undefined;
    const { indexes: normal, data, last } = next;
    const { channel, packetNum } = packet;
    return last
      ? { channel, packetNum, sync: packet.sync, normal, zero: packet.zero, data }
      : { channel, packetNum, sync: false, normal, zero: NONE, data };
  }
}
