/**
 * Where a new log may be written: a file that does not exist yet (created exclusively, so two runs can
 * never share one), or an empty regular file made for it. Anything else is refused with what to do.
 * @packageDocumentation
 */
import { lstatSync, openSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fail } from '../errors.js';

/** What to do when the log's path is taken. @public */
export type ExistingLog = 'refuse' | 'next-free';

const MAX_SUFFIX = 999;

const codeOf = (e: unknown): string => String((e as NodeJS.ErrnoException).code ?? (e as Error).message);

/**
 * Opens `path` for appending if it is new or empty; 'taken' if it holds anything. O_APPEND: after a
 * failed write is cut back, the next write starts at the new end, not past it.
 * @throws LockstepError `log-not-regular` or `log-open-failed`.
 * @internal
 */
export function openExclusive(path: string): number | 'taken' {
  try {
    return openSync(path, 'ax');
  } catch (e) {
    if (codeOf(e) !== 'EEXIST') fail('log-open-failed', { path, actual: codeOf(e) });
  }
  const stats = lstatSync(path);
  if (!stats.isFile()) fail('log-not-regular', { path });
  return stats.size > 0 ? 'taken' : openSync(path, 'a');
}

/** `primary.jsonl`, then `primary.2.jsonl`, `primary.3.jsonl`… */
const candidate = (path: string, n: number): string => {
  if (n === 1) return path;
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.${n}${ext}`);
};

/**
 * Opens a new log file at `path` (or, with `next-free`, at the first free `name.N.ext` beside it).
 * @throws LockstepError `log-exists`, `log-not-regular` or `log-open-failed`.
 * @internal
 */
export function openNewLog(path: string, existing: ExistingLog): { path: string; fd: number } {
  for (let n = 1; n <= (existing === 'refuse' ? 1 : MAX_SUFFIX); n++) {
    const at = candidate(path, n);
    const fd = openExclusive(at);
    if (fd !== 'taken') return { path: at, fd };
  }
  return fail('log-exists', { path });
}
