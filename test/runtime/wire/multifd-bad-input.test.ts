import { describe, expect, it } from 'vitest';
import { encodeMultifdPacket, MAX_BATCH_PAGES, MultifdDecoder } from '../../../runtime/wire/index.js';
import { RAM_PAGES, thrown } from './arbitraries.js';

const header = (patch: (b: Buffer) => void, indexes: number[] = []) => {
  const [head] = encodeMultifdPacket({
    channel: 1,
    packetNum: 5,
    sync: false,
    normal: Uint32Array.of(),
    zero: Uint32Array.from(indexes),
    data: Buffer.alloc(0),
  });
  patch(head!);
  return head!;
};
const decode = (bytes: Buffer) => new MultifdDecoder({ ramPages: RAM_PAGES }).push(bytes).finish();

describe('multifd packets with bad headers (multifd.c:multifd_recv_unfill_packet)', () => {
  it('a wrong magic is unknown-frame at the packet start', () => {
    const good = header(() => {});
    const bad = header((b) => b.writeUInt32BE(0xdeadbeef, 0));
    expect(thrown(() => decode(Buffer.concat([good, bad])))).toMatchObject({
      code: 'unknown-frame',
      details: { message: 'multifd packet magic', actual: '0xdeadbeef', offset: good.length },
    });
  });

  it('an unknown version or flag bit is unknown-frame at its field', () => {
    expect(thrown(() => decode(header((b) => b.writeUInt32BE(2, 4))))).toMatchObject({
      code: 'unknown-frame',
      details: { offset: 4 },
    });
    expect(thrown(() => decode(header((b) => b.writeUInt32BE(0x10, 8))))).toMatchObject({
      code: 'unknown-frame',
      details: { offset: 8 },
    });
  });

  it('too many pages is bad-length, checked before the indexes arrive', () => {
    const e = thrown(() => decode(header((b) => b.writeUInt32BE(MAX_BATCH_PAGES + 1, 24))));
    expect(e).toMatchObject({ code: 'bad-length', details: { actual: MAX_BATCH_PAGES + 1, offset: 24 } });
    const overflow = thrown(() =>
      decode(
        header((b) => {
          b.writeUInt32BE(0xffffffff, 24);
          b.writeUInt32BE(2, 28);
        }),
      ),
    );
    expect(overflow).toMatchObject({ code: 'bad-length' });
  });

  it('a zero-page index past the RAM is page-out-of-range at its offset', () => {
    expect(thrown(() => decode(header(() => {}, [RAM_PAGES])))).toMatchObject({
      code: 'page-out-of-range',
      details: { message: 'multifd packet', actual: RAM_PAGES, offset: 32 },
    });
  });

  it('a packet cut short is truncated-frame', () => {
    const bytes = header(() => {}, [1, 2]);
    expect(thrown(() => decode(bytes.subarray(0, 40)))).toMatchObject({
      code: 'truncated-frame',
      details: { message: 'multifd packet', offset: 0, expected: 48, actual: 40 },
    });
  });
});
