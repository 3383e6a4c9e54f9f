/**
 * The secondary's colo cache as the replay uses it: runtime/guest's ColoCache plus a `released` flag
 * checked before every store. A store after ram.c:colo_release_ram_cache is a use-after-free in QEMU;
 * here it becomes a recorded `cache-released` error instead of a write, so the replay can report it.
 * @packageDocumentation
 */
import { LockstepError } from '../runtime/errors.js';
import type { ColoCache } from '../runtime/guest/index.js';
import { PAGE_SIZE } from '../runtime/wire/index.js';

/** Who touched the released cache, with the typed error QEMU would not have raised. @public */
export interface ReleasedAccess {
  /** What stored: `multifd channel 0` (multifd-colo.c) or `ram load` (ram.c). */
  readonly by: string;
  /** Pages it tried to store. */
  readonly pages: number;
  /** The `cache-released` error the store raised instead of writing. */
  readonly error: LockstepError;
}

/** A ColoCache that records stores after its release instead of performing them. @public */
export class ReplayCache {
  /** ram.c:colo_release_ram_cache has run. */
  released = false;
  /** Every store attempted after the release, in order. */
  readonly releasedAccesses: ReleasedAccess[] = [];

  constructor(
    /** runtime/guest's colo cache, which does the real stores and the flush (the NodeRuntime's). */
    readonly inner: ColoCache,
  ) {}

  /**
   * Stores pages with their data (`data` holds `normal.length` pages back to back) and zero pages:
   * multifd-colo.c for a multifd packet, ram.c:ram_load_precopy for the main channel.
   * @returns false when the cache was already released (the access is recorded).
   */
  store(by: string, normal: ArrayLike<number>, data: Uint8Array, zero: ArrayLike<number> = []): boolean {
    if (this.released) {
      const error = new LockstepError('cache-released', { message: `${by} store of ${normal.length} pages` });
      this.releasedAccesses.push({ by, pages: normal.length + zero.length, error });
      return false;
    }
    for (let i = 0; i < normal.length; i++)
      this.inner.store(normal[i]!, data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
    for (let i = 0; i < zero.length; i++) this.inner.storeZero(zero[i]!);
    return true;
  }

  /** ram.c:colo_release_ram_cache. */
  release(): void {
    this.released = true;
    this.inner.release();
  }
}
