/**
 * Multifd channel packets (multifd.c:multifd_send_fill_packet, multifd-nocomp.c): a fixed header,
 * the page indexes (normal then zero), then the normal pages' data.
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { writeBe64 } from './encode.js';
import {
  MAX_BATCH_PAGES,
  MULTIFD_FLAG_SYNC,
  MULTIFD_HEADER,
  MULTIFD_MAGIC,
  MULTIFD_VERSION,
  PAGE_SIZE,
} from './format.js';

/** One multifd packet (MultiFDPacket_t, with page indexes instead of ramblock offsets). @public */
export interface MultifdPacket {
  /** Channel id (MultiFDSendParams.id). */
  readonly channel: number;
  /** Packet number, counted across all channels (multifd.c: packet_num). */
  readonly packetNum: number;
  /** MULTIFD_FLAG_SYNC: the last packet of a sync round (multifd.c:multifd_send_thread). */
  readonly sync: boolean;
  /** Indexes of pages whose data follow (normal_pages). */
  readonly normal: Uint32Array;
  /** Indexes of zero pages: no data (zero_pages). */
  readonly zero: Uint32Array;
  /** normal.length × 4096 bytes, in the order of `normal`. */
  readonly data: Buffer;
}

/**
 * Encodes a packet as [header + indexes, data]. Header: be32 magic, be32 version, be32 flags,
 * be32 channel, be64 packet number, be32 normal count, be32 zero count (32 bytes).
 * @public
 */
export function encodeMultifdPacket(p: MultifdPacket): Buffer[] {
  const pages = p.normal.length + p.zero.length;
  if (pages > MAX_BATCH_PAGES)
    fail('bad-length', { message: 'multifd packet', actual: pages, expected: `≤ ${MAX_BATCH_PAGES} pages` });
  if (p.data.length !== p.normal.length * PAGE_SIZE)
    fail('bad-length', {
      message: 'multifd packet',
      actual: p.data.length,
      expected: p.normal.length * PAGE_SIZE,
    });
  if (!Number.isInteger(p.channel) || p.channel < 0 || p.channel > 0xffffffff)
    fail('bad-length', { message: 'multifd channel id', actual: p.channel, expected: 'a be32' });
  const head = Buffer.allocUnsafe(MULTIFD_HEADER + 8 * pages);
  head.writeUInt32BE(MULTIFD_MAGIC, 0);
  head.writeUInt32BE(MULTIFD_VERSION, 4);
  head.writeUInt32BE(p.sync ? MULTIFD_FLAG_SYNC : 0, 8);
  head.writeUInt32BE(p.channel, 12);
  writeBe64(head, p.packetNum, 16, 'multifd packet number');
  head.writeUInt32BE(p.normal.length, 24);
  head.writeUInt32BE(p.zero.length, 28);
  let at = MULTIFD_HEADER;
  for (const list of [p.normal, p.zero])
    for (const index of list) {
      writeBe64(head, index, at, 'page index');
      at += 8;
    }
  return p.data.length > 0 ? [head, p.data] : [head];
}
