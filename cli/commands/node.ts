import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { NodeRole } from '../../machines/index.js';
import { PROFILE_NAMES } from '../../machines/index.js';
import { LockstepError } from '../../runtime/errors.js';
import { startNode } from '../../runtime/host/index.js';
import { DEFAULT_RUNTIME_OPTIONS, PEER_TIMEOUT_MS, parseTcpUri } from '../../runtime/node/index.js';
import { EXIT_FAILURE, UsageError } from '../errors.js';
import { type CliIo, checkOutputFile } from '../io.js';
import {
  describeQmp,
  parseCount,
  parseMultifd,
  parseProfile,
  parseQmpWhere,
  parseRam,
  parseTls,
} from './node-options.js';

interface NodeFlags {
  readonly qmp?: string;
  readonly listen?: string;
  readonly incoming?: true;
  readonly ram?: string;
  readonly multifd?: string;
  readonly multifdWorkers?: true;
  readonly profile?: string;
  readonly log?: string;
  readonly checkpointDelay?: string;
  readonly qmpAllowRemote?: true;
  readonly peerTimeout?: string;
  readonly tlsCreds?: string;
  readonly tlsHostname?: string;
  readonly tlsAuthz?: string;
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
 * Runs one node with its QMP server until `quit`, SIGTERM or SIGINT (or a fatal error: exit 1), through
 * the embedding API (`startNode`). Prints `lockstep ROLE: QMP on ADDRESS` on stderr once the server listens.
 */
async function runNode(role: NodeRole, flags: NodeFlags, io: CliIo, setExit: (code: number) => void) {
  if (flags.qmp === undefined) throw new UsageError(`${role} needs --qmp PATH or --qmp HOST:PORT`);
  const where = parseQmpWhere(flags.qmp);
  const profile = parseProfile(flags.profile);
  const ram = parseRam(flags.ram);
  const multifd = parseMultifd(flags.multifd);
  const checkpointDelayMs = parseCount(
    '--checkpoint-delay',
    flags.checkpointDelay,
    DEFAULT_RUNTIME_OPTIONS.checkpointDelayMs,
  );
  if (role === 'secondary') {
    if (flags.listen === undefined)
      throw new UsageError('secondary needs --listen HOST:PORT, e.g. --listen 127.0.0.1:4444');
    if (!/^(\[[^\]]+\]|[^:]+):\d+$/.test(flags.listen))
      throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:4444; got "${flags.listen}"`);
    const listenPort = Number(flags.listen.slice(flags.listen.lastIndexOf(':') + 1));
    if (listenPort > 65535) throw new UsageError(`--listen port ${listenPort} is out of range (0-65535)`);
    parseTcpUri(`tcp:${flags.listen}`);
  }
  if (flags.qmpAllowRemote && !('path' in where))
    io.stderr(
      `lockstep ${role}: warning: QMP has no authentication; anyone who reaches ${describeQmp({ host: where.host ?? '127.0.0.1', port: where.port })} controls this node\n`,
    );
  const tls = parseTls(flags);
  if (flags.log !== undefined) checkOutputFile('--log', flags.log);
  const logPath = flags.log ?? join(await mkdtemp(join(tmpdir(), `lockstep-${role}-`)), `${role}.jsonl`);
  const node = await startNode({
    role,
    profile: profile.name,
    ram,
    multifd,
    ...(flags.multifdWorkers ? { multifdWorkers: true } : {}),
    checkpointDelayMs,
    peerTimeoutMs: parseCount('--peer-timeout', flags.peerTimeout, PEER_TIMEOUT_MS),
    logPath,
    qmp: where,
    ...(flags.qmpAllowRemote ? { qmpAllowRemote: true } : {}),
    ...(tls ? { tls } : {}),
    ...(flags.incoming && flags.listen !== undefined ? { listen: flags.listen } : {}),
  }).catch((error: unknown) => {
    // what startNode refuses is what the user gave (a taken log, a bad address, unreadable credentials):
    // bad input, exit 2; the credentials' refusal names its flag
    if (error instanceof LockstepError && error.code === 'tls-creds-refused')
      throw new UsageError(`--tls-creds: ${error.message}`);
    throw error instanceof LockstepError ? new UsageError(error.message) : error;
  });
  node.on('log-failed', ({ error }) => io.stderr(`lockstep ${role}: ${error.message}\n`));
  node.on('log-recovered', () => io.stderr(`lockstep ${role}: the event log is written again\n`));
  node.on('listening', ({ port }) => io.stderr(`lockstep ${role}: migration listener on port ${port}\n`));
  // startNode resolved after the listener came up: say so once, as the event would have
  const listener = node.migrationAddress;
  if (listener) io.stderr(`lockstep ${role}: migration listener on port ${listener.port}\n`);
  const quitRequested = node.next('quit').then(() => 'quit');
  const fatal = node.next('fatal').then(({ error }) => {
    io.stderr(`lockstep ${role}: ${error.message}\n`);
    setExit(EXIT_FAILURE);
    return 'fatal';
  });
  const sig = signals();
  try {
    if (listener) io.stderr(`lockstep ${role}: listening for the migration on ${flags.listen}\n`);
    io.stderr(`lockstep ${role}: log ${node.logPath}\n`);
    const qmp = node.qmpAddress;
    if (qmp) io.stderr(`lockstep ${role}: QMP on ${describeQmp(qmp)}\n`);
    const why = await Promise.race([quitRequested, sig.received, fatal]);
    io.stderr(`lockstep ${role}: stopping (${why})\n`);
  } finally {
    sig.stop();
    await node.stop();
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
    .option('--log <file>', `the ${role}'s event log (default: a new temporary folder)`)
    .option(
      '--qmp-allow-remote',
      'allow --qmp HOST:PORT on an address other than loopback (QMP has no authentication; prints a warning)',
    )
    .option(
      '--tls-creds <dir>',
      `migration TLS with QEMU's tls-creds-x509 files in DIR: ca-cert.pem and ${role === 'primary' ? 'client-cert.pem + client-key.pem' : 'server-cert.pem + server-key.pem'}; the peer's certificate is verified (mutual authentication). Set up at start as object-add + migrate-set-parameters tls-creds would`,
    )
    .option(
      '--peer-timeout <ms>',
      'report the peer unreachable (x-lockstep-status peer, event X_LOCKSTEP_PEER) when the migration channel is silent this long in COLO; at least twice the checkpoint delay (default: 5000)',
    );

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
    .option(
      '--multifd-workers',
      'the multifd receive threads in worker threads (decode, store into the colo cache, hash); off by default',
    )
    .option(
      '--tls-authz <dn>',
      'with --tls-creds: accept only a primary whose certificate has this distinguished name, e.g. "CN=primary,O=example" (authz-simple, migration parameter tls-authz)',
    )
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
    .option(
      '--tls-hostname <name>',
      "with --tls-creds: the name the secondary's certificate must carry (migration parameter tls-hostname; default: the host of migrate's URI)",
    )
    .action((flags: NodeFlags) => runNode('primary', flags, io, setExit));
}
