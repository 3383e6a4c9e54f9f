import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU_7_2 } from '../../machines/profiles.js';
import { freePort } from './free-port.js';
import { connectSide } from './side.js';
import type { Pair, PairOptions, Role } from './types.js';

/** The QEMU binary the scenarios run (Debian bookworm's qemu-system-x86 is 7.2). @public */
export const QEMU_BINARY = process.env.LOCKSTEP_QEMU ?? 'qemu-system-x86_64';

/** The command line of one side: TCG, `-machine pc`, no disk, no display, no serial, QMP on a unix socket. @public */
export function qemuArgs(role: Role, socket: string, ram: string): string[] {
  return [
    '-accel',
    'tcg',
    '-machine',
    'pc',
    '-m',
    ram,
    '-nographic',
    '-display',
    'none',
    '-serial',
    'none',
    '-nodefaults',
    '-qmp',
    `unix:${socket},server=on,wait=off`,
    ...(role === 'primary' ? ['-S'] : ['-incoming', 'defer']),
  ];
}

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  stderr: string;
}

function start(args: string[]): Child {
  const child = spawn(QEMU_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const handle: Child = {
    process: child,
    exited: new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    }),
    stderr: '',
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    handle.stderr = (handle.stderr + chunk).slice(-8192);
  });
  return handle;
}

async function kill9(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  await child.exited;
}

/**
 * Starts two QEMU 7.2 processes: the primary with `-S`, the secondary with `-incoming defer`, each with
 * QMP on a unix socket in a fresh temporary folder, and connects a recording client to each.
 * @public
 */
export async function startQemuPair(options: PairOptions): Promise<Pair & { stderr(role: Role): string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-qemu-'));
  const port = await freePort();
  const children: Record<Role, Child> = {
    primary: start(qemuArgs('primary', join(dir, 'primary.sock'), options.ram)),
    secondary: start(qemuArgs('secondary', join(dir, 'secondary.sock'), options.ram)),
  };
  // if this process ends first (a crash, a killed test runner), the guests must not outlive it
  const orphans = () => {
    for (const child of Object.values(children)) child.process.kill('SIGKILL');
  };
  process.once('exit', orphans);
  const sides = [];
  try {
    for (const role of ['primary', 'secondary'] as const) {
      const child = children[role];
      sides.push(
        await Promise.race([
          connectSide(
            role,
            { path: join(dir, `${role}.sock`) },
            join(options.artifactsDir, `${role}.qmp.jsonl`),
            options.commandTimeoutMs,
            () => kill9(child),
          ),
          child.exited.then(() => {
            throw new Error(`${QEMU_BINARY} (${role}) exited: ${child.stderr.trim()}`);
          }),
        ]),
      );
    }
  } catch (error) {
    process.off('exit', orphans);
    await Promise.all(Object.values(children).map(kill9));
    for (const side of sides) await side.qmp.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const [primary, secondary] = sides as [(typeof sides)[0], (typeof sides)[0]];
  return {
    impl: 'qemu',
    profile: QEMU_7_2,
    primary,
    secondary,
    incomingUri: `tcp:127.0.0.1:${port}`,
    migrateUri: async () => `tcp:127.0.0.1:${port}`,
    stderr: (role) => children[role].stderr,
    async close() {
      process.off('exit', orphans);
      // both logs end before either process dies: the secondary would otherwise record its own
      // COLO_EXIT(error) for the primary's kill, a finding of the teardown, not of the scenario
      const closed = [primary.qmp.close().catch(() => {}), secondary.qmp.close().catch(() => {})];
      await Promise.all(Object.values(children).map(kill9));
      await Promise.all(closed);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
