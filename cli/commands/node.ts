import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { NodeRole } from '../../machines/index.js';
import { PROFILE_NAMES } from '../../machines/index.js';
import { createNodeBackend } from '../../runtime/control/index.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
  parseTcpUri,
} from '../../runtime/node/index.js';
import { serveQmp } from '../../runtime/qmp/index.js';
import { EXIT_FAILURE, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { describeQmp, parseCount, parseProfile, parseQmpWhere, parseRam } from './node-options.js';

interface NodeFlags {
  readonly qmp?: string;
  readonly listen?: string;
  readonly incoming?: true;
  readonly ram?: string;
  readonly multifd?: string;
  readonly profile?: string;
  readonly log?: string;
  readonly checkpointDelay?: string;
}

/** Resolves on SIGTERM or SIGINT (removing its handlers when `stop` is called). */
function signals(): { readonly received: Promise<string>; readonly stop: () => void } {
  let stop = () => {};
  const received = new Promise<string>((resolve) => {
    const on = (signal: NodeJS.Signals) => resolve(signal);
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
    stop = () => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
    };
  });
  return { received, stop };
}

/**
 * Runs one node with its QMP server until `quit`, SIGTERM or SIGINT (or a fatal error: exit 1).
 * Prints `lockstep ROLE: QMP on ADDRESS` on stderr once the server listens.
 */
async function runNode(role: NodeRole, flags: NodeFlags, io: CliIo, setExit: (code: number) => void) {
  if (flags.qmp === undefined) throw new UsageError(`${role} needs --qmp PATH or --qmp HOST:PORT`);
  const where = parseQmpWhere(flags.qmp);
  const profile = parseProfile(flags.profile);
  const ram = parseRam(flags.ram);
  const multifd = parseCount('--multifd', flags.multifd, 0);
  const checkpointDelayMs = parseCount(
    '--checkpoint-delay',
    flags.checkpointDelay,
    DEFAULT_RUNTIME_OPTIONS.checkpointDelayMs,
  );
  let incomingUri: string | undefined;
  if (role === 'secondary') {
    if (flags.listen === undefined)
      throw new UsageError('secondary needs --listen HOST:PORT, e.g. --listen 127.0.0.1:4444');
    incomingUri = `tcp:${flags.listen}`;
    if (!/^(\[[^\]]+\]|[^:]+):\d+$/.test(flags.listen))
      throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:4444; got "${flags.listen}"`);
    parseTcpUri(incomingUri);
  }
  const logPath = flags.log ?? join(await mkdtemp(join(tmpdir(), `lockstep-${role}-`)), `${role}.jsonl`);
  const node = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    role,
    profile,
    ram,
    multifd,
    checkpointDelayMs,
    logPath,
  });
  node.on('listening', (address: { port: number }) => {
    io.stderr(`lockstep ${role}: migration listener on port ${address.port}\n`);
  });
  if (role === 'primary') attachPrimary(node);
  else attachSecondary(node);

  let quit = () => {};
  const quitRequested = new Promise<string>((resolve) => {
    quit = () => resolve('quit');
  });
  const fatal = new Promise<string>((resolve) =>
    node.once('fatal', (error: Error) => {
      io.stderr(`lockstep ${role}: ${error.message}\n`);
      setExit(EXIT_FAILURE);
      resolve('fatal');
    }),
  );
  const backend = createNodeBackend(node, { onQuit: quit });
  let server: Awaited<ReturnType<typeof serveQmp>>;
  try {
    server = await serveQmp(backend, where, { version: profile.qemuVersion });
  } catch (error) {
    node.kill();
    await node.close();
    throw error;
  }
  const sig = signals();
  try {
    if (incomingUri !== undefined && flags.incoming) {
      const reply = await node.qmp('migrate-incoming', { uri: incomingUri });
      if ('error' in reply) throw new Error(`migrate-incoming ${incomingUri}: ${reply.error.desc}`);
      io.stderr(`lockstep ${role}: listening for the migration on ${flags.listen}\n`);
    }
    io.stderr(`lockstep ${role}: log ${logPath}\n`);
    io.stderr(`lockstep ${role}: QMP on ${describeQmp(server.address)}\n`);
    const why = await Promise.race([quitRequested, sig.received, fatal]);
    io.stderr(`lockstep ${role}: stopping (${why})\n`);
  } finally {
    sig.stop();
    await server.close();
    if (!node.killed) node.kill();
    await node.close();
  }
}

const common = (command: Command, role: NodeRole) =>
  command
    .option(
      '--qmp <where>',
      'serve QMP here: a unix socket path (mode 0600), or HOST:PORT for loopback TCP (port 0: any free port)',
    )
    .option('--ram <size>', 'guest RAM, as QEMU -m (default: 256M)')
    .option('--multifd <n>', 'multifd channels, fixed at start (default: 0, pages on the main channel)')
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default: qemu-11.0)`)
    .option('--log <file>', `the ${role}'s event log (default: a new temporary folder)`);

/** Adds `lockstep primary` and `lockstep secondary` to the program. @public */
export function registerNodeCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  common(
    program
      .command('secondary')
      .description(
        'run a COLO secondary with a QMP monitor. Without --incoming it waits, like QEMU -incoming defer, for the operator: migrate-set-capabilities x-colo, then migrate-incoming {"uri":"tcp:HOST:PORT"}. With --incoming it issues migrate-incoming on --listen at start (set capabilities first if your profile needs them before the stream)',
      ),
    'secondary',
  )
    .option('--listen <host:port>', 'the migration address (tcp:HOST:PORT for migrate-incoming)')
    .option('--incoming', 'issue migrate-incoming on --listen at start instead of waiting for the operator')
    .action((flags: NodeFlags) => runNode('secondary', flags, io, setExit));
  common(
    program
      .command('primary')
      .description(
        'run a COLO primary with a QMP monitor; drive it like QEMU: migrate-set-capabilities x-colo, cont, migrate {"uri":"tcp:HOST:PORT"}. migrate-set-parameters x-checkpoint-delay takes effect at once (a checkpoint, then the new period, as QEMU); multifd-channels is fixed by --multifd at start',
      ),
    'primary',
  )
    .option('--checkpoint-delay <ms>', 'x-checkpoint-delay in milliseconds (default: 600)')
    .action((flags: NodeFlags) => runNode('primary', flags, io, setExit));
}
