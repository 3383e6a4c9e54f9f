/**
 * Checkpoint digests: SHA-256 (node:crypto) of the RAM image and of the device blob, carried by
 * digest frames so the secondary can check that it holds the primary's checkpoint.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { DigestSubject } from './format.js';
import type { DigestFrame } from './frames.js';

/** SHA-256 of some bytes, hashed in the given pieces (e.g. RAM blocks) without concatenating. @public */
export function sha256(...pieces: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return hash.digest();
}

/** The digest frame for a RAM image or a device blob. @public */
export function digestFrame(subject: DigestSubject, ...pieces: readonly Uint8Array[]): DigestFrame {
  return { kind: 'digest', subject, sha256: sha256(...pieces) };
}
