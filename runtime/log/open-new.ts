/**
 * Where a new log may be written: a file that does not exist yet (created exclusively, so two runs can
 * never share one), or an empty regular file made for it. Anything else is refused with what to do.
 * @packageDocumentation
 */
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fail } from '../errors.js';

/** What to do when the log's path is taken. @public */
export type ExistingLog = 'refuse' | 'next-free';

const MAX_SUFFIX = 999;

const codeOf = (e: unknown): string => String((e as NodeJS.ErrnoException).code ?? (e as Error).message);

async function openExclusive(path: string): Promise<FileHandle | 'taken'> {
  try {
    return await open(path, 'ax'); // O_APPEND: after a failed write is cut back, the next one starts at the new end
  } catch (e) {
    if (codeOf(e) !== 'EEXIST') fail('log-open-failed', { path, actual: codeOf(e) });
  }
  const stats = await lstat(path);
  if (!stats.isFile()) fail('log-not-regular', { path });
  if (stats.size > 0) return 'taken';
  return open(path, 'a');
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
export async function openNewLog(
  path: string,
  existing: ExistingLog,
): Promise<{ path: string; fh: FileHandle }> {
  for (let n = 1; n <= (existing === 'refuse' ? 1 : MAX_SUFFIX); n++) {
    const at = candidate(path, n);
    const fh = await openExclusive(at);
    if (fh !== 'taken') return { path: at, fh };
  }
  return fail('log-exists', { path });
}
