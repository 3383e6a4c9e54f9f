import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMultifdPacket, MULTIFD_HEADER, MultifdDecoder } from '../../../runtime/wire/index.js';
import { cutsArb, decodeChunks, norm, packetArb, RAM_PAGES, split } from './arbitraries.js';

describe('multifd channel round trip', () => {
  it('any packet sequence, split into any chunks, decodes to the same packets', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 10 }), cutsArb, (packets, cuts) => {
        const bytes = Buffer.concat(packets.flatMap(encodeMultifdPacket));
        const out = decodeChunks(new MultifdDecoder({ ramPages: RAM_PAGES }), split(bytes, cuts));
        expect(norm(out)).toEqual(norm(packets));
      }),
      { numRuns: 200 },
    );
  });

  it('lays the header out as documented', () => {
    const [head] = encodeMultifdPacket({
      channel: 3,
      packetNum: 2 ** 32 + 7,
      sync: true,
      normal: Uint32Array.of(),
      zero: Uint32Array.of(5),
      data: Buffer.alloc(0),
    });
    expect(head!.toString('hex')).toBe(
      [
        '11223344',
        '00000001',
        '00000001',
        '00000003',
        '0000000100000007',
        '00000000',
        '00000001',
        '0000000000000005',
      ].join(''),
    );
    expect(head!.length).toBe(MULTIFD_HEADER + 8);
  });
});
