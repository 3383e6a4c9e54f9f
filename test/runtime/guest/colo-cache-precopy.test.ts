import { describe, expect, it } from 'vitest';
import { ColoCache, GuestRam, PAGE_SIZE } from '../../../runtime/guest/index.js';

describe('ColoCache in precopy (ram.c:ram_load_precopy)', () => {
  it('writes pages to guest and cache without bits, then startDirtyLog zeroes the bitmap and switches to COLO', () => {
    const guest = new GuestRam(4);
    const cache = new ColoCache(guest);
    expect(cache.mode).toBe('precopy');
    const data = new Uint8Array(PAGE_SIZE).fill(5);
    cache.store(1, data);
    expect(guest.page(1)).toEqual(data);
    expect(cache.page(1)).toEqual(data);
    expect(cache.bitmap.count()).toBe(0);
    expect(guest.dirty.count()).toBe(0);
    guest.writePage(2, data); // the SVM runs a little before COLO starts
    cache.startDirtyLog();
    expect(cache.mode).toBe('colo');
    expect(guest.dirty.count()).toBe(0); // colo_incoming_start_dirty_log discards the old log
    cache.store(3, data);
    expect(guest.isZero(3)).toBe(true);
    expect([...cache.bitmap]).toEqual([3]);
  });

  it('rejects a page of the wrong size', () => {
    const cache = new ColoCache(new GuestRam(2));
    expect(() => cache.store(0, new Uint8Array(10))).toThrow(/page has length 10/);
    expect(() => cache.store(2, new Uint8Array(PAGE_SIZE))).toThrow(/past the end/);
  });
});
