import { describe, expect, it } from 'vitest';
import { ColoCache, GuestRam, PAGE_SIZE, Prng } from '../../../runtime/guest/index.js';

describe('a 1 GiB guest', () => {
  it('allocates one buffer each for RAM and cache, stores, and flushes by bitmap', () => {
    const primary = GuestRam.ofSize('1G');
    const secondary = GuestRam.ofSize('1G');
    const cache = new ColoCache(secondary);
    expect(primary.bytes.buffer.byteLength).toBe(1024 ** 3);
    cache.startDirtyLog();
    const rng = new Prng(11);
    const pages = [0, 1, 4242, primary.pageCount - 1];
    for (const p of pages) {
      rng.fill(primary.page(p));
      cache.store(p, primary.page(p));
    }
    expect(secondary.isZero(4242)).toBe(true);
    expect(cache.flush(secondary)).toBe(pages.length);
    for (const p of pages) expect(Buffer.compare(secondary.page(p), primary.page(p))).toBe(0);
    expect(secondary.digestPages(pages)).toBe(primary.digestPages(pages));
    expect(PAGE_SIZE * secondary.pageCount).toBe(1024 ** 3);
  });
});
