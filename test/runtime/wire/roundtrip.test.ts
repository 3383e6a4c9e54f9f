import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrames, StreamDecoder } from '../../../runtime/wire/index.js';
import { cutsArb, decodeChunks, frameArb, norm, RAM_PAGES, split } from './arbitraries.js';

describe('main channel round trip', () => {
  it('any frame sequence, split into any chunks, decodes to the same frames', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 25 }), cutsArb, fc.boolean(), (frames, cuts, reuse) => {
        const bytes = Buffer.concat(encodeFrames(frames));
        const d = new StreamDecoder({ ramPages: RAM_PAGES, reuse });
        const chunks = split(bytes, cuts);
        // with reuse, data is valid only until the next call: compare frame by frame
        const out: unknown[] = [];
        let i = 0;
        for (const c of chunks) {
          d.push(c);
          for (let f = d.next(); f; f = d.next()) {
            expect(norm(f)).toEqual(norm(frames[i++]));
            out.push(f);
          }
        }
        expect(d.finish()).toEqual([]);
        expect(out.length).toBe(frames.length);
        expect(d.offset).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 8 }), (frames) => {
        const bytes = Buffer.concat(encodeFrames(frames));
        const chunks = [...bytes].map((b) => Buffer.of(b));
        expect(norm(decodeChunks(new StreamDecoder({ ramPages: RAM_PAGES }), chunks))).toEqual(norm(frames));
      }),
      { numRuns: 50 },
    );
  });
});
