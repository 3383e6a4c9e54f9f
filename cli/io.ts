import { accessSync, constants, type Stats, statfsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pc from 'picocolors';
import { UsageError } from './errors.js';

/**
 * Where the CLI writes. Commands never touch `process.stdout` directly, so tests can call `main` with
 * their own sinks and read exactly what a user would see.
 * @public
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: progress is then one live line instead of plain lines. */
  readonly isTTY?: boolean;
  /** True when stdout may carry ANSI colours (a terminal, and no NO_COLOR); absent means plain text. */
  readonly colors?: boolean;
}

/**
 * Whether to colour: only on a terminal, never when `NO_COLOR` is set to anything but the empty string
 * (no-color.org), so piped output and logs stay plain text.
 * @public
 */
export function wantsColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColor = env.NO_COLOR;
  return isTTY && (noColor === undefined || noColor === '');
}

/**
 * Colours the words a reader scans for in lockstep's text output: failures red (VIOLATION, VIOLATED,
 * DIVERGED, MISMATCH, NOT ALLOWED, violates), findings yellow, success green (conforms, match, holds).
 * Plain when the run is plain, so tests and pipes read the same words.
 * @public
 */
export function paintVerdicts(io: CliIo, text: string): string {
  if (io.colors !== true) return text;
  const c = colorsOf(io);
  return text
    .replace(/\b(VIOLATION|VIOLATED|DIVERGED|MISMATCH|NOT ALLOWED|violates)\b/g, (w) => c.bold(c.red(w)))
    .replace(/\b(FINDING|finding)\b/g, (w) => c.yellow(w))
    .replace(/\b(conforms|match|holds)\b/g, (w) => c.green(w));
}

/** picocolors' colour functions. @public */
export type CliColors = ReturnType<typeof pc.createColors>;

/** The colours of one run: picocolors' functions, or identities when the run is plain. @public */
export function colorsOf(io: CliIo): CliColors {
  return pc.createColors(io.colors === true);
}

/** The real terminal. @public */
export const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  isTTY: process.stderr.isTTY === true,
  colors: wantsColor(process.stdout.isTTY === true, process.env),
};

// ---- Paths: every file or folder a command reads or writes is checked here first, so an unusable path is
// one line and exit 2 (UsageError), never an errno, a stack or a hang. Node's recursive mkdir never returns
// under /proc, so nothing is created before the check has passed.

/** Filesystems that hold no files of ours (statfs f_type, linux/magic.h), and how a user knows them. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, "the kernel's /proc filesystem"],
  [0x62656572, "the kernel's /sys filesystem"],
  [0x1cd1, 'the devpts filesystem'],
  [0x64626720, 'debugfs'],
  [0x27e0eb, 'a cgroup filesystem'],
  [0x63677270, 'a cgroup filesystem'],
]);

/** errno codes in words. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EROFS: 'read-only filesystem',
  ECONNREFUSED: 'nothing listens there (connection refused)',
  ETIMEDOUT: 'no answer (timed out)',
  EHOSTUNREACH: 'the host is unreachable',
};

/** What an errno means, in words (`permission denied`), for the one line a usage error prints. */
export function errnoWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // a wrapped error (QmpClient's) keeps the code only in its message
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
  return (code && ERRNO_WORDS[code]) ?? message;
}

/** stat, or undefined when nothing is there (also when a parent is a file); other errors are usage errors. */
function statOrNothing(what: string, path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UsageError(`${what} ${path}: ${errnoWords(error)}`);
  }
}

/** The kind of thing at a path, as a user says it. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSocket()) return 'a socket';
  if (stats.isFIFO()) return 'a pipe';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a regular file';
}

/**
 * The folder new files would go in: the nearest existing ancestor of `path` (itself included when `self`).
 * It must be a folder on a real filesystem that this user may write in.
 */
function writableAncestor(what: string, path: string, self: boolean): string {
  let at = resolve(self ? path : dirname(resolve(path)));
  let stats = statOrNothing(what, at);
  while (stats === undefined && dirname(at) !== at) {
    at = dirname(at);
    stats = statOrNothing(what, at);
  }
  if (stats === undefined) throw new UsageError(`${what} ${path}: no existing folder above it`);
  if (!stats.isDirectory()) throw new UsageError(`${what} ${path}: ${at} is ${kindOf(stats)}, not a folder`);
  const pseudo = PSEUDO_FILESYSTEMS.get(Number(statfsSync(at).type));
  if (pseudo !== undefined)
    throw new UsageError(
      `${what} ${path}: ${at} is on ${pseudo}, which holds no files; choose a folder on disk`,
    );
  try {
    accessSync(at, constants.W_OK);
  } catch {
    throw new UsageError(`${what} ${path}: cannot write in ${at} (permission denied); choose another folder`);
  }
  return at;
}

/**
 * Checks that `path` can be a folder to write files in (it is one, or it can be created), then creates it.
 * @param what - how the user named it, e.g. `--log-dir`
 * @throws UsageError naming what is wrong: a file in the way, a pseudo filesystem, no permission
 * @public
 */
export async function prepareOutputDir(what: string, path: string): Promise<void> {
  checkOutputDir(what, path);
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new UsageError(`${what} ${path}: cannot create it (${errnoWords(error)})`);
  }
}

/** The checks of {@link prepareOutputDir} without creating anything. @public */
export function checkOutputDir(what: string, path: string): void {
  const stats = statOrNothing(what, path);
  if (stats !== undefined && !stats.isDirectory())
    throw new UsageError(`${what} ${path}: is ${kindOf(stats)}; give a folder (it is created when missing)`);
  writableAncestor(what, path, stats !== undefined);
}

/**
 * `--trace-out DIR` of the commands that save counterexamples: a folder (created when missing); a
 * name ending in .json is a file name by mistake.
 * @public
 */
export function checkTraceOut(dir: string): void {
  if (dir.endsWith('.json'))
    throw new UsageError(
      `--trace-out ${dir}: give a folder; each counterexample is saved in it as PROPERTY.json`,
    );
  checkOutputDir('--trace-out', dir);
}

/**
 * Checks that `path` can be written as a file (missing folders above it are created on write) and is not a
 * folder, a device or a socket.
 * @public
 */
export function checkOutputFile(what: string, path: string): void {
  const stats = statOrNothing(what, path);
  if (stats?.isDirectory())
    throw new UsageError(`${what} ${path}: is a folder; give a file name, e.g. ${join(path, 'out')}`);
  if (stats !== undefined && !stats.isFile())
    throw new UsageError(`${what} ${path}: is ${kindOf(stats)}; give a regular file`);
  writableAncestor(what, path, false);
}

/** Writes a file (text or bytes) checked by {@link checkOutputFile}, creating the folders above it. @public */
export async function writeOutputFile(what: string, path: string, data: string | Uint8Array): Promise<void> {
  checkOutputFile(what, path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  } catch (error) {
    throw new UsageError(`${what} ${path}: cannot write it (${errnoWords(error)})`);
  }
}

/**
 * Checks that `path` is a regular file this user can read.
 * @param what - what the file should be, e.g. `trace` or `event log`
 * @public
 */
export function checkInputFile(what: string, path: string): void {
  const stats = statOrNothing(what, path);
  if (stats === undefined) throw new UsageError(`${what} ${path}: does not exist`);
  if (!stats.isFile()) throw new UsageError(`${what} ${path}: is ${kindOf(stats)}, not a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new UsageError(`${what} ${path}: cannot read it (permission denied)`);
  }
}

/** sockaddr_un's sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Checks a unix socket path. To `listen`: nothing but a stale socket may be there, and its folder must exist
 * and be writable. To `connect`: a socket must be there.
 * @public
 */
export function checkSocketPath(what: string, path: string, use: 'listen' | 'connect'): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES)
    throw new UsageError(
      `${what} ${path}: longer than the ${MAX_SOCKET_PATH_BYTES} bytes a unix socket path holds`,
    );
  const stats = statOrNothing(what, path);
  if (use === 'connect') {
    if (stats === undefined) throw new UsageError(`${what} ${path}: no socket there (does not exist)`);
    if (!stats.isSocket())
      throw new UsageError(
        `${what} ${path}: is ${kindOf(stats)}, not a socket; give a QMP unix socket or HOST:PORT`,
      );
    return;
  }
  if (stats !== undefined && !stats.isSocket())
    throw new UsageError(
      `${what} ${path}: is ${kindOf(stats)}, not a socket; remove it or choose another path`,
    );
  const folder = dirname(resolve(path));
  const parent = statOrNothing(what, folder);
  if (parent === undefined)
    throw new UsageError(`${what} ${path}: the folder ${folder} does not exist; create it first`);
  writableAncestor(what, path, false);
}
