/**
 * Page geometry of the simulated guest: 4 KiB target pages, RAM sizes written the way QEMU's `-m` takes
 * them, and a zero-page test that reads whole words.
 * @packageDocumentation
 */
import { fail } from '../errors.js';

/** Bytes in one guest page (TARGET_PAGE_SIZE on x86). @public */
export const PAGE_SIZE = 4096;

/** log2 of {@link PAGE_SIZE} (TARGET_PAGE_BITS). @public */
export const PAGE_BITS = 12;

/** The largest guest this simulator allocates: one ArrayBuffer each for RAM and the colo cache. @public */
export const MAX_RAM_BYTES = 4 * 1024 ** 3;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Parses a RAM size such as `64K`, `256M`, `1G`, `512MiB` or a plain byte count.
 * @throws LockstepError `bad-ram-size` unless it is a positive multiple of {@link PAGE_SIZE};
 *   `ram-too-large` past {@link MAX_RAM_BYTES}.
 * @public
 */
export function parseRamSize(spec: string | number): number {
  const m = typeof spec === 'number' ? null : /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(spec);
  const bytes = typeof spec === 'number' ? spec : m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes % PAGE_SIZE !== 0)
    fail('bad-ram-size', { actual: String(spec) });
  if (bytes > MAX_RAM_BYTES) fail('ram-too-large', { actual: String(spec), limit: MAX_RAM_BYTES });
  return bytes;
}

/**
 * True if every byte of `page` is zero. Reads 32-bit words when the view is aligned (about 4x fewer
 * compares than bytes), as QEMU's buffer_is_zero reads vectors (migration/ram.c:save_zero_page).
 * @public
 */
export function isZeroPage(page: Uint8Array): boolean {
  if (page.byteOffset % 4 === 0 && page.byteLength % 4 === 0) {
    const words = new Uint32Array(page.buffer, page.byteOffset, page.byteLength >>> 2);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < page.length; i++) if (page[i] !== 0) return false;
  return true;
}
