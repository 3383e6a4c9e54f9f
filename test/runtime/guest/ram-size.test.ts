import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { GuestRam, PAGE_SIZE, parseRamSize } from '../../../runtime/guest/index.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof LockstepError ? e.code : String(e);
  }
  return 'no error';
};

describe('parseRamSize', () => {
  it('reads K, M, G with optional iB, and byte counts', () => {
    expect(parseRamSize('64K')).toBe(64 * 1024);
    expect(parseRamSize('256M')).toBe(256 * 1024 ** 2);
    expect(parseRamSize('1G')).toBe(1024 ** 3);
    expect(parseRamSize('512MiB')).toBe(512 * 1024 ** 2);
    expect(parseRamSize('8192')).toBe(8192);
    expect(parseRamSize(4096)).toBe(4096);
  });

  it('reads a fraction with a unit when it makes whole pages, as QEMU -m 1.5G does', () => {
    expect(parseRamSize('1.5G')).toBe(1.5 * 1024 ** 3);
    expect(parseRamSize('1.5M')).toBe(384 * PAGE_SIZE);
    for (const bad of ['1.3M', '0.5K', '1.5', '.5G', '1.G'])
      expect(code(() => parseRamSize(bad))).toBe('bad-ram-size');
  });

  it('rejects what is not a positive multiple of a page with bad-ram-size', () => {
    for (const bad of ['', 'abc', '0', '1000', '-4K', '12Q', 100])
      expect(code(() => parseRamSize(bad))).toBe('bad-ram-size');
    expect(() => parseRamSize('3X')).toThrow(/not a positive multiple of the 4096-byte page/);
  });

  it('rejects more than 4 GiB with ram-too-large', () => {
    expect(code(() => parseRamSize('8G'))).toBe('ram-too-large');
  });

  it('GuestRam.ofSize makes size/4096 pages', () => {
    expect(GuestRam.ofSize('64K').pageCount).toBe(65536 / PAGE_SIZE);
  });
});
