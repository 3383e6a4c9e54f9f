import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { QmpClient } from '../../../conformance/index.js';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const built = fileURLToPath(new URL('../../../bin/lockstep.js', import.meta.url));

/**
 * How a node process runs lockstep: from the sources through tsx (the tests: no build needed), or the
 * built CLI in dist/ (the bench's long loops: it starts in a fraction of the time; `npm run build` first).
 */
export type Launcher = 'sources' | 'dist';

/** The node command line for `launcher`. */
export const launchCommand = (launcher: Launcher): string[] =>
  launcher === 'dist' ? [process.execPath, built] : [process.execPath, '--import', 'tsx', entry];

/** A `lockstep primary|secondary` OS process and a QMP client on it. */
export interface LockstepProcess {
  /** The command it runs: `primary` or `secondary`. */
  readonly role: string;
  readonly child: ChildProcess;
  readonly qmp: QmpClient;
  readonly stderr: string[];
}

/** Starts a node process (under `wrap`, e.g. `ip netns exec NS`) and connects once its QMP socket is ready. */
export async function startNode(
  args: readonly string[],
  qmpPath: string,
  wrap: readonly string[] = [],
  launcher: Launcher = 'sources',
): Promise<LockstepProcess> {
  const command = [...wrap, ...launchCommand(launcher), ...args];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr.push(text);
      if (text.includes('QMP on')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`lockstep ${args[0]} exited (${code}) before QMP: ${stderr.join('')}`)),
    );
  });
  // a process that did not come up is not left running (nobody else holds it yet)
  await withTimeout(ready, 30_000, `lockstep ${args[0]} to start`).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    role: args[0] ?? 'lockstep',
    child,
    qmp: await QmpClient.connect({ path: qmpPath }, { timeoutMs: 10_000 }),
    stderr,
  };
}

/** kill -9, and wait until the process is gone. */
export async function sigkill(node: LockstepProcess): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const gone = once(node.child, 'exit');
  node.child.kill('SIGKILL');
  await gone;
}

/** Rejects with a named timeout: a hang in the fault loop is counted, never waited out. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A step of the fault loop that did not finish in time. */
export class HangError extends Error {
  override readonly name = 'HangError';
}
