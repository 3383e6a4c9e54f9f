/**
 * The QMP backend of one runtime node: what `serveQmp` drives for `lockstep primary` and `lockstep
 * secondary`. Commands that touch the machines go through the node (logged, then applied); the commands
 * that are the server's or the runtime's business are answered here: query-migrate's statistics, the
 * migration parameters, quit, and lockstep's own x-lockstep-status.
 * @packageDocumentation
 */

import {
  type Effect,
  type MigrationStatus,
  type QmpReply as NodeQmpReply,
  migrationStatus as nodeMigrationStatus,
  setupAnnouncements,
} from '../../machines/index.js';
import { LockstepError } from '../errors.js';
import { PAGE_SIZE } from '../guest/index.js';
import {
  bindListener,
  linkChannels,
  type NodeRuntime,
  parseTcpUri,
  reserveListener,
  setLinkSecurity,
} from '../node/index.js';
import type { QmpBackend, QmpEvent, QmpReply, QmpVersionTriple } from '../qmp/index.js';
import { COMMANDS } from '../qmp/schema/commands.js';
import { MIGRATION_CAPABILITIES } from '../qmp/schema/enums.js';
import { validateCommand } from '../qmp/schema/validate.js';
import { defaultParameters, type MigrationParameters, setParameters } from './migration-parameters.js';
import { TlsObjects } from './tls-objects.js';

/** Options of {@link createNodeBackend}. @public */
export interface NodeBackendOptions {
  /**
   * Called after `quit` was answered (on the next turn of the event loop, once the reply has been
   * written): the caller closes the node and the server, as QEMU exits.
   */
  readonly onQuit?: () => void;
  /** What query-version reports: the greeting's version (default 11.0.0) and package (default "lockstep"). */
  readonly version?: QmpVersionTriple;
  /** `package` of query-version. */
  readonly package?: string;
}

/** Events QEMU sends only while the `events` capability is on (migration.c:migrate_generate_event, ram.c). */
const GATED_EVENTS = new Set(['MIGRATION', 'MIGRATION_PASS']);
/** Events QAPI declares without a `data` member (qapi/run-state.json: STOP, RESUME). */
const DATALESS_EVENTS = new Set(['STOP', 'RESUME']);

const genericError = (desc: string): QmpReply => ({ error: { class: 'GenericError', desc } });

/** The node's migration status: the source machine's on a primary, the incoming machine's on a secondary. */
export function migrationStatus(node: NodeRuntime): string {
  return nodeMigrationStatus(node.state);
}

/**
 * Builds the backend. Events: every `qmp-event` effect of the node is forwarded, except MIGRATION and
 * MIGRATION_PASS while the `events` capability is off (QEMU's rule; the machines accept the capability
 * but do not model it, so it is tracked here). An event the node marks `unconditional` is always sent:
 * QEMU 7.2's MIGRATION `setup` on migrate-incoming (migration.c:qemu_start_incoming_migration).
 * @public
 */
export function createNodeBackend(node: NodeRuntime, options: NodeBackendOptions = {}): QmpBackend {
  let eventsCapability = false;
  let quitting = false;
  let incomingRequested = false;
  const parameters: MigrationParameters = {
    ...defaultParameters(),
    'x-checkpoint-delay': node.options.checkpointDelayMs,
    ...(node.options.multifd > 0 ? { 'multifd-channels': node.options.multifd } : {}),
  };
  const tlsObjects = new TlsObjects();
  const capabilities = new Map<string, boolean>(MIGRATION_CAPABILITIES.map((name) => [name, false]));
  const listeners = new Set<(event: QmpEvent) => void>();
  const raise = (event: QmpEvent) => {
    for (const listener of listeners) listener(event);
  };
  let listening: { address: string; port: number } | null = null;
  node.on('listening', (address: { address: string; port: number }) => {
    listening = { address: address.address, port: address.port };
  });

  // lockstep's own event: the main channel silent past its timeout, or back (runtime/node/peer-watch.ts)
  node.on('peer', (data: Record<string, unknown>) => {
    for (const listener of listeners) listener({ event: 'X_LOCKSTEP_PEER', data });
  });

  node.on('effect', (effect: Effect) => {
    if (effect.kind !== 'qmp-event') return;
    if (GATED_EVENTS.has(effect.event) && !eventsCapability && effect.unconditional !== true) return;
    raise(
      DATALESS_EVENTS.has(effect.event)
        ? { event: effect.event }
        : { event: effect.event, data: effect.data },
    );
  });

  const forward = async (
    command: string,
    args: Readonly<Record<string, unknown>> | undefined,
    oob: boolean,
  ): Promise<QmpReply> => {
    if (node.killed) return genericError(`the ${node.options.role} node has stopped`);
    const reply: NodeQmpReply = await node.qmp(command, args, oob);
    return reply;
  };

  const execute = async (
    command: string,
    rawArgs: Readonly<Record<string, unknown>> | undefined,
    { oob }: { readonly oob: boolean },
  ): Promise<QmpReply> => {
    // checked before the node sees it: a refused command is never an input of the log
    const checked = validateCommand(command, rawArgs);
    if (!checked.ok) return { error: checked.error };
    const args = checked.arguments as Readonly<Record<string, unknown>>;
    switch (checked.command) {
      case 'query-version': // qapi/control.json:VersionInfo, the greeting's
        return {
          return: {
            qemu: options.version ?? { major: 11, minor: 0, micro: 0 },
            package: options.package ?? 'lockstep',
          },
        };
      case 'query-commands': // qapi/control.json:CommandInfo, qmp_capabilities included
        return { return: ['qmp_capabilities', ...Object.keys(COMMANDS)].map((name) => ({ name })) };
      case 'query-migrate':
        return { return: queryMigrate(node, listening) };
      case 'query-migrate-capabilities':
        return { return: [...capabilities].map(([capability, state]) => ({ capability, state })) };
      case 'query-migrate-parameters':
        return { return: { ...parameters } };
      case 'migrate-set-parameters': {
        const refused = setParameters(parameters, checked.arguments as Parameters<typeof setParameters>[1]);
        if (refused !== null) return genericError(refused);
        const delay = args['x-checkpoint-delay'];
        if (typeof delay === 'number') node.setCheckpointDelay(delay);
        if (typeof args['max-bandwidth'] === 'number') {
          const bandwidth = parameters['max-bandwidth'];
          node.maxBandwidth = bandwidth > 0 ? bandwidth : null;
        }
        return { return: {} };
      }
      case 'x-lockstep-status':
        return { return: { ...lockstepStatus(node, parameters, eventsCapability), listening } };
      case 'quit':
        if (!quitting) {
          quitting = true;
          // qapi/run-state.json:SHUTDOWN, raised before the reply (runstate.c:qemu_system_shutdown_request)
          raise({ event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } });
          // the session writes the reply when this promise resolves; close after that write
          setTimeout(() => options.onQuit?.(), 10);
        }
        return { return: {} };
      case 'migrate-set-capabilities': {
        const reply = await forward(command, args, oob);
        if ('return' in reply)
          for (const { capability, state } of (
            checked.arguments as { capabilities: { capability: string; state: boolean }[] }
          ).capabilities) {
            capabilities.set(capability, state);
            if (capability === 'events') eventsCapability = state;
          }
        return reply;
      }
      case 'migrate-incoming': {
        if (node.killed) return genericError(`the ${node.options.role} node has stopped`);
        // migration.c:qmp_migrate_incoming runs once per process, whatever the status says
        if (incomingRequested || listening !== null)
          return genericError('The incoming migration has already been started');
        // migration.c:qmp_migrate_incoming: a URI that does not parse fails before `once` is cleared, so
        // the command can be retried; it never reaches the machines (nothing started, nothing to log)
        const uriError = badUri(args?.uri);
        // 7.2 migration.c:qemu_start_incoming_migration sends MIGRATION setup before it parses the URI or
        // binds, whatever the `events` capability says; the machines say where (setupAnnouncements)
        const announceSetup = () => {
          const status = nodeMigrationStatus(node.state) as MigrationStatus;
          if (setupAnnouncements(node.options.profile)[status] === 'migrate-incoming')
            raise({ event: 'MIGRATION', data: { status: 'setup' } });
        };
        if (uriError !== null) {
          announceSetup();
          return genericError(uriError);
        }
        // migration/socket.c:socket_start_incoming_migration binds before the command returns: a taken
        // port is the command's error, the status never leaves none, and the command can be retried
        const bound = await bindListener(String(args.uri));
        if (typeof bound === 'string') {
          announceSetup();
          return genericError(bound);
        }
        reserveListener(node, bound);
        setLinkSecurity(node, tlsObjects.security(parameters, 'server'));
        const reply = await node.qmp(command, args, oob);
        if ('return' in reply) incomingRequested = true;
        else bound.close();
        return reply;
      }
      // qapi/qom.json: the objects migration TLS names (runtime/control/tls-objects.ts)
      case 'object-add': {
        const refused = tlsObjects.add(checked.arguments as Parameters<TlsObjects['add']>[0]);
        return refused === null ? { return: {} } : genericError(refused);
      }
      case 'object-del': {
        const refused = tlsObjects.del(String(args.id));
        return refused === null ? { return: {} } : genericError(refused);
      }
      case 'migrate':
        // migration/tls.c: the source's channels use tls-creds as they are when it connects
        setLinkSecurity(node, tlsObjects.security(parameters, 'client'));
        return forward(command, args, oob);
      default:
        return forward(command, args, oob);
    }
  };

  return {
    execute: (command, args, opts) =>
      execute(command, args, opts).catch((error: unknown) =>
        genericError(`${command}: ${error instanceof Error ? error.message : String(error)}`),
      ),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The transports QEMU 7.2 to 11.0 know (migration.c:qemu_start_incoming_migration, migrate_uri_parse). */
const QEMU_TRANSPORTS = new Set(['tcp', 'rdma', 'exec', 'unix', 'vsock', 'fd', 'file']);

/**
 * Why a migrate-incoming URI cannot be listened on, or null: QEMU's text for a transport QEMU does not know
 * ("unknown migration protocol"), the table's bad-uri message for one lockstep does not serve or a bad
 * tcp address.
 */
function badUri(uri: unknown): string | null {
  if (typeof uri !== 'string') return null; // the machines answer a missing or mistyped argument
  const scheme = uri.includes(':') ? uri.slice(0, uri.indexOf(':')) : null;
  if (scheme === null || !QEMU_TRANSPORTS.has(scheme)) return `unknown migration protocol: ${uri}`;
  try {
    parseTcpUri(uri);
    return null;
  } catch (error) {
    if (error instanceof LockstepError) return error.message;
    throw error;
  }
}

/** Bytes on the migration channels so far: written by a primary, read by a secondary. */
function channelBytes(node: NodeRuntime): number {
  const link = node.link;
  if (!link) return 0;
  const sockets = [link.main, ...link.multifd];
  return sockets.reduce(
    (sum, s) => sum + (node.options.role === 'primary' ? s.bytesWritten : s.bytesRead),
    0,
  );
}

/** Statuses whose query-migrate carries the RAM statistics (migration.c:fill_source_migration_info). */
const WITH_RAM = new Set([
  'active',
  'cancelling',
  'postcopy-active',
  'pre-switchover',
  'device',
  'postcopy-paused',
  'postcopy-recover',
  'completed',
]);
/** Destination statuses after which the listening sockets are gone (migration_incoming_state_destroy). */
const INCOMING_OVER = new Set(['completed', 'failed', 'cancelled']);

/**
 * query-migrate in QEMU 7.2's shape (qapi/migration.json:MigrationInfo; migration.c:
 * fill_source_migration_info and fill_destination_migration_info): nothing before a migration; a
 * destination's `socket-address` while it listens; the RAM statistics lockstep measures (transferred,
 * remaining, total, dirty-sync-count, page-size) while RAM moves and once completed; `status` alone in
 * colo, setup, cancelled; `error-desc` once failed. The checkpoint count is x-lockstep-status's.
 */
function queryMigrate(
  node: NodeRuntime,
  listening: { readonly address: string; readonly port: number } | null,
): Record<string, unknown> {
  const status = migrationStatus(node);
  const secondary = node.options.role === 'secondary';
  const sockets =
    secondary && listening && !INCOMING_OVER.has(status)
      ? {
          'socket-address': [
            { type: 'inet', host: listening.address, port: String(listening.port), ipv4: true },
          ],
        }
      : {};
  if (status === 'none') return sockets;
  if (secondary) return { status, ...sockets };
  if (status === 'failed') return { status, 'error-desc': 'the migration channel failed' };
  if (!WITH_RAM.has(status)) return { status };
  return {
    status,
    ram: {
      transferred: channelBytes(node),
      remaining: node.guest.dirty.count() * PAGE_SIZE,
      total: node.guest.byteLength,
      'dirty-sync-count': node.state.passes,
      'page-size': PAGE_SIZE,
    },
  };
}

/** lockstep's own status: checkpoint statistics, verified digests, the status timeline. */
function lockstepStatus(
  node: NodeRuntime,
  parameters: Readonly<MigrationParameters>,
  eventsCapability: boolean,
): Record<string, unknown> {
  const { options, state } = node;
  return {
    role: options.role,
    profile: options.profile.name,
    ram: options.ram,
    status: migrationStatus(node),
    colo: state.colo ? String(state.colo.value) : null,
    failover: String(state.failover.value),
    vm: state.vm,
    checkpoints: state.checkpoints,
    stats: {
      inputs: node.stats.inputs,
      checkpoints: node.stats.checkpoints,
      bytesSent: node.stats.bytesSent,
    },
    verified: node.verified,
    refusals: node.refusals,
    peer: node.peer,
    checkpointDigests: node.checkpointDigests,
    timeline: node.timeline,
    events: eventsCapability,
    parameters: {
      requested: {
        'x-checkpoint-delay': parameters['x-checkpoint-delay'],
        'multifd-channels': parameters['multifd-channels'],
        'max-bandwidth': parameters['max-bandwidth'],
      },
      effective: { 'x-checkpoint-delay': node.checkpointDelayMs, 'multifd-channels': options.multifd },
    },
    killed: node.killed,
    // the migration's channels as connected (main, then multifd), and how many are TLS sessions
    channels: node.link ? linkChannels(node.link) : null,
  };
}
