import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_VMSTATE, MAX_BATCH_PAGES, StreamDecoder } from '../../../runtime/wire/index.js';
import { be32, RAM_PAGES, thrown } from './arbitraries.js';

const decode = (bytes: Buffer, maxVmstate?: number) =>
  new StreamDecoder({ ramPages: RAM_PAGES, ...(maxVmstate === undefined ? {} : { maxVmstate }) })
    .push(bytes)
    .drain();

describe('sizes and indexes read off the wire are checked before use', () => {
  it('vmstate-size over the configured limit is rejected at the size field, before any blob arrives', () => {
    const e = thrown(() => decode(be32(0, 4, 0, 1001), 1000));
    expect(e).toMatchObject({
      code: 'vmstate-size-too-large',
      details: { actual: '1001', limit: 1000, offset: 8 },
    });
  });

  it('the default limit is 64 MiB, and a be64 over 2^32 is named exactly', () => {
    expect(thrown(() => decode(be32(4, 0, DEFAULT_MAX_VMSTATE + 1)))).toMatchObject({
      code: 'vmstate-size-too-large',
      details: { limit: 64 * 1024 * 1024, offset: 4 },
    });
    expect(thrown(() => decode(be32(4, 0xffffffff, 0xffffffff)))).toMatchObject({
      details: { actual: '18446744073709551615' },
    });
  });

  it('a page index at or past the RAM size is page-out-of-range at the index field', () => {
    expect(thrown(() => decode(be32(0x4c530008, 0, RAM_PAGES)))).toMatchObject({
      code: 'page-out-of-range',
      details: { message: 'page', actual: RAM_PAGES, limit: RAM_PAGES, offset: 4 },
    });
    expect(thrown(() => decode(be32(0x4c530002, 1, 0)))).toMatchObject({
      code: 'page-out-of-range',
      details: { message: 'zero', actual: String(2 ** 32) },
    });
  });

  it('a bad index inside a batch is reported at its own offset', () => {
    const e = thrown(() => decode(be32(0x4c531000, 2, 0, 1, 0, 99)));
    expect(e).toMatchObject({
      code: 'page-out-of-range',
      details: { message: 'batch', actual: 99, offset: 16 },
    });
  });

  it('a batch of 0 or more than MAX_BATCH_PAGES pages is bad-length at the count', () => {
    expect(thrown(() => decode(be32(0x4c531000, 0)))).toMatchObject({
      code: 'bad-length',
      details: { actual: 0, offset: 4 },
    });
    expect(thrown(() => decode(be32(0x4c531000, MAX_BATCH_PAGES + 1)))).toMatchObject({
      code: 'bad-length',
      details: { message: 'batch', actual: MAX_BATCH_PAGES + 1 },
    });
  });

  it('a checkpoint number past 2^53 is bad-length', () => {
    expect(thrown(() => decode(be32(0x4c532000, 0x200000, 0)))).toMatchObject({
      code: 'bad-length',
      details: { offset: 4 },
    });
  });

  it('a decoder refuses a RAM size it cannot check against', () => {
    expect(thrown(() => new StreamDecoder({ ramPages: -1 }))).toMatchObject({ code: 'bad-ram-size' });
  });
});
