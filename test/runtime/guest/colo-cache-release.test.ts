import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { ColoCache, GuestRam, PAGE_SIZE } from '../../../runtime/guest/index.js';

describe('ColoCache.release (ram.c:colo_release_ram_cache)', () => {
  it('makes every later access a cache-released error: use-after-free made visible', () => {
    const guest = new GuestRam(4);
    const cache = new ColoCache(guest);
    cache.startDirtyLog();
    cache.release();
    expect(cache.released).toBe(true);
    const accesses: Array<() => unknown> = [
      () => cache.store(0, new Uint8Array(PAGE_SIZE)),
      () => cache.storeZero(0),
      () => cache.flush(guest),
      () => cache.page(0),
      () => cache.bitmap,
      () => cache.digest(),
      () => cache.startDirtyLog(),
    ];
    for (const access of accesses) {
      try {
        access();
        expect.unreachable('access after release must throw');
      } catch (e) {
        expect(e).toBeInstanceOf(LockstepError);
        expect((e as LockstepError).code).toBe('cache-released');
      }
    }
    expect(() => cache.flush(guest)).toThrow(/flush after colo_release_ram_cache/);
  });
});
