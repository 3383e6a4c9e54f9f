/**
 * A long run's log in segments: `primary.jsonl` is the first, then `primary.seg-000002.jsonl`,
 * `primary.seg-000003.jsonl`… Each later segment starts with a record that carries what a reader needs
 * to begin there (for a node: its start line and the fold so far), so the oldest can be removed and the
 * log stays bounded over a run of days.
 * @packageDocumentation
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

const SEGMENT = /^(.*)\.seg-(\d{6})(\.[^.]*)?$/;

/** The file of segment `n` (1 is the base path itself). @public */
export function segmentPath(base: string, n: number): string {
  if (n === 1) return base;
  const ext = extname(base);
  return join(dirname(base), `${basename(base, ext)}.seg-${String(n).padStart(6, '0')}${ext}`);
}

/** The base path and segment number of a log file's name. @public */
export function segmentOf(path: string): { base: string; n: number } {
  const match = SEGMENT.exec(basename(path));
  if (match === null) return { base: path, n: 1 };
  return { base: join(dirname(path), `${match[1]}${match[3] ?? ''}`), n: Number(match[2]) };
}

/**
 * The segments of the log `path` belongs to that are still on disk and follow each other up to the
 * newest, oldest first.
 * @public
 */
export function segmentsOf(path: string): string[] {
  const { base } = segmentOf(path);
  const found = new Set<number>();
  for (const name of readdirSync(dirname(base))) {
    const file = join(dirname(base), name);
    const { base: of, n } = segmentOf(file);
    if (of === base && (n > 1 || file === base)) found.add(n);
  }
  if (found.size === 0) return [path];
  const newest = Math.max(...found);
  let oldest = newest;
  while (found.has(oldest - 1)) oldest--;
  return Array.from({ length: newest - oldest + 1 }, (_, i) => segmentPath(base, oldest + i));
}
