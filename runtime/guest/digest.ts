/**
 * SHA-256 digests of guest memory: what the log records instead of page contents, and what a checkpoint
 * compares between primary and secondary.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { PAGE_SIZE } from './page.js';

/** Bytes hashed per update: views, never copies, so a 1 GiB guest is hashed without a second buffer. */
const CHUNK = 4 * 1024 * 1024;

/** Hex SHA-256 of `bytes`, fed to the hash in 4 MiB views. @public */
export function digestBytes(bytes: Uint8Array): string {
  const h = createHash('sha256');
  for (let off = 0; off < bytes.byteLength; off += CHUNK) h.update(bytes.subarray(off, off + CHUNK));
  return h.digest('hex');
}

/**
 * Hex SHA-256 of a set of pages of `bytes`: each page's index (u32 little-endian) then its contents, in
 * ascending index order, so the same set gives the same digest whatever order it was given in.
 * @public
 */
export function digestPageSet(bytes: Uint8Array, pages: Iterable<number>): string {
  const h = createHash('sha256');
  const index = new Uint8Array(4);
  const view = new DataView(index.buffer);
  for (const p of [...new Set(pages)].sort((a, b) => a - b)) {
    view.setUint32(0, p, true);
    h.update(index);
    h.update(bytes.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE));
  }
  return h.digest('hex');
}
