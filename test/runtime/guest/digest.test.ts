import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GuestRam, PAGE_SIZE, Prng } from '../../../runtime/guest/index.js';

describe('digests', () => {
  it('the streamed RAM digest equals a one-shot SHA-256 of the buffer', () => {
    const ram = GuestRam.ofSize('8M'); // two 4 MiB chunks
    new Prng(1).fill(ram.bytes.subarray(0, 3 * PAGE_SIZE));
    ram.page(2047).fill(7);
    expect(ram.digest()).toBe(createHash('sha256').update(ram.bytes).digest('hex'));
  });

  it('a page-set digest ignores order and duplicates and sees contents and indices', () => {
    const ram = new GuestRam(8);
    ram.page(3).fill(1);
    const d = ram.digestPages([3, 5]);
    expect(ram.digestPages([5, 3, 5])).toBe(d);
    expect(ram.digestPages([3, 6])).not.toBe(d);
    ram.page(5)[0] = 9;
    expect(ram.digestPages([3, 5])).not.toBe(d);
    expect(() => ram.digestPages([8])).toThrow(/past the end/);
  });
});
