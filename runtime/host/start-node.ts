import type { NodeRole, ProfileName } from '../../machines/index.js';
import { PROFILE_NAMES, PROFILES } from '../../machines/index.js';
import { type MigrationTlsSettings, setUpMigrationTls } from '../control/index.js';
import { fail, LockstepError } from '../errors.js';
import { parseRamSize, type WorkloadKind } from '../guest/index.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
  parseTcpUri,
} from '../node/index.js';
import { type QmpListen, serveQmp } from '../qmp/index.js';
import { LockstepNode } from './lockstep-node.js';

/** What {@link startNode} starts. Only `role` and `logPath` are required. @public */
export interface StartNodeOptions {
  /** `primary` or `secondary`. */
  readonly role: NodeRole;
  /** The node's event log (JSON Lines). */
  readonly logPath: string;
  /** The QEMU version it behaves as (default `qemu-11.0`). */
  readonly profile?: ProfileName;
  /** Multifd channels, fixed at start (default 0: pages on the main channel). */
  readonly multifd?: number;
  /**
   * A secondary's multifd receive threads run in worker threads, storing into a shared colo cache
   * (default false; see `RuntimeOptions.multifdWorkers`).
   */
  readonly multifdWorkers?: boolean;
  /** Guest RAM, as QEMU's -m (default `256M`). */
  readonly ram?: string;
  /** x-checkpoint-delay in milliseconds (default 600); migrate-set-parameters changes it later. */
  readonly checkpointDelayMs?: number;
  /** How the guest dirties its pages while it runs (default: uniform, 20 000 pages/s). */
  readonly workload?: {
    readonly kind: WorkloadKind;
    readonly pagesPerSecond: number;
    readonly seed: number;
  };
  /** A RAM digest mismatch at a checkpoint is `fatal` instead of only reported (default false). */
  readonly verify?: boolean;
  /** How long the migration channel may be silent in COLO before the peer is reported (ms; default 5000). */
  readonly peerTimeoutMs?: number;
  /** Serve QMP here (a unix socket path, or TCP host and port; port 0 takes any free port). None by default. */
  readonly qmp?: QmpListen;
  /** Serve QMP on an address other than loopback (QMP has no authentication; default false: refused). */
  readonly qmpAllowRemote?: boolean;
  /** Migration capabilities set at start with migrate-set-capabilities, e.g. `{ 'x-colo': true }`. */
  readonly capabilities?: Readonly<Record<string, boolean>>;
  /**
   * The secondary's migration address, `HOST:PORT`: migrate-incoming is issued on it at start (after the
   * capabilities), and startNode resolves once it listens (port 0: see `migrationAddress`).
   */
  readonly listen?: string;
  /**
   * Migration TLS, set up at start as an operator does over QMP (one code path): `object-add`
   * tls-creds-x509 `tls0` (`dir` = `creds`, endpoint client on a primary, server on a secondary,
   * verify-peer on), on a secondary with `authz` an `object-add` authz-simple `authz0`, then
   * `migrate-set-parameters` tls-creds (and tls-hostname / tls-authz). See {@link StartNodeTls}.
   */
  readonly tls?: StartNodeTls;
}

/** {@link StartNodeOptions.tls}: QEMU's tls-creds-x509 folder and its migration parameters. @public */
export type StartNodeTls = MigrationTlsSettings;

function checked(options: StartNodeOptions) {
  const bad = (message: string, actual: unknown, expected: string) =>
    fail('bad-node-option', { message, actual: String(actual), expected });
  if (options.role !== 'primary' && options.role !== 'secondary')
    bad('role', options.role, 'primary or secondary');
  const profileName = options.profile ?? 'qemu-11.0';
  if (!PROFILE_NAMES.includes(profileName)) bad('profile', profileName, PROFILE_NAMES.join(' or '));
  const multifd = options.multifd ?? 0;
  if (!Number.isSafeInteger(multifd) || multifd < 0 || multifd > 255)
    bad('multifd', multifd, 'an integer from 0 to 255');
  const ram = options.ram ?? DEFAULT_RUNTIME_OPTIONS.ram;
  parseRamSize(ram);
  const delay = options.checkpointDelayMs ?? DEFAULT_RUNTIME_OPTIONS.checkpointDelayMs;
  if (!Number.isSafeInteger(delay) || delay < 0) bad('checkpointDelayMs', delay, 'an integer ≥ 0');
  if (options.listen !== undefined) {
    if (options.role !== 'secondary') bad('listen', options.listen, 'only on a secondary');
    parseTcpUri(`tcp:${options.listen}`);
  }
  const tls = options.tls;
  if (tls !== undefined) {
    if (typeof tls.creds !== 'string' || tls.creds === '') bad('tls.creds', tls.creds, 'a folder path');
    if (tls.hostname !== undefined && options.role !== 'primary')
      bad('tls.hostname', tls.hostname, 'only on a primary (the client checks the name)');
    if (tls.authz !== undefined && options.role !== 'secondary')
      bad('tls.authz', tls.authz, 'only on a secondary (the server checks the client)');
  }
  return { profile: PROFILES[profileName], multifd, ram, delay };
}

/**
 * Starts one node: its log opened, its role's edge attached (a primary connects and sends, a secondary
 * listens and loads), its QMP server up when `qmp` is given, the `capabilities` set and, on a secondary
 * with `listen`, migrate-incoming issued and listening. What was wrong with an option is a LockstepError
 * (`bad-node-option`, `bad-ram-size`, `bad-uri`); a refused command is `qmp-refused`; a listener that
 * cannot start is `migration-listen-failed`. On any of them nothing is left running.
 * @example
 * ```ts
 * import { startNode } from 'lockstep/runtime';
 * const primary = await startNode({ role: 'primary', logPath: '/tmp/p.jsonl', capabilities: { 'x-colo': true } });
 * await primary.qmp('cont');
 * await primary.qmp('migrate', { uri: 'tcp:127.0.0.1:4444' });
 * primary.on('checkpoint', ({ checkpoint, pauseMs }) => console.log(checkpoint, pauseMs));
 * ```
 * @public
 */
export async function startNode(options: StartNodeOptions): Promise<LockstepNode> {
  const { profile, multifd, ram, delay } = checked(options);
  const runtime = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    ...(options.workload ? { workload: options.workload } : {}),
    ...(options.verify !== undefined ? { verify: options.verify } : {}),
    ...(options.peerTimeoutMs !== undefined ? { peerTimeoutMs: options.peerTimeoutMs } : {}),
    ...(options.multifdWorkers ? { multifdWorkers: true } : {}),
    role: options.role,
    profile,
    ram,
    multifd,
    checkpointDelayMs: delay,
    logPath: options.logPath,
  });
  if (options.role === 'primary') attachPrimary(runtime);
  else attachSecondary(runtime);
  const node = new LockstepNode(runtime);
  try {
    if (options.qmp)
      node.serving(
        await serveQmp(node.backend, options.qmp, {
          version: profile.qemuVersion,
          allowRemote: options.qmpAllowRemote === true,
        }),
      );
    if (options.capabilities) {
      const capabilities = Object.entries(options.capabilities).map(([capability, state]) => ({
        capability,
        state,
      }));
      await issue(node, 'migrate-set-capabilities', { capabilities });
    }
    if (options.tls)
      await setUpMigrationTls((command, args) => node.qmp(command, args), options.role, options.tls);
    if (options.listen !== undefined) await listen(node, runtime, options.listen);
    return node;
  } catch (error) {
    await node.stop();
    throw error;
  }
}

async function issue(node: LockstepNode, command: string, args: Record<string, unknown>): Promise<void> {
  const reply = await node.qmp(command, args);
  if ('error' in reply) fail('qmp-refused', { message: command, actual: reply.error.desc });
}

/** migrate-incoming on `where`; resolves once the listener is up. */
async function listen(node: LockstepNode, runtime: NodeRuntime, where: string): Promise<void> {
  const up = new Promise<void>((resolve, reject) => {
    node.next('listening').then(() => resolve(), reject);
    runtime.once('listen-error', (error: Error) =>
      reject(new LockstepError('migration-listen-failed', { actual: where, message: error.message })),
    );
  });
  // the backend binds before it answers (migration/socket.c): a taken port is the command's error
  const reply = await node.qmp('migrate-incoming', { uri: `tcp:${where}` });
  if ('error' in reply) fail('migration-listen-failed', { actual: where, message: reply.error.desc });
  await up;
}
