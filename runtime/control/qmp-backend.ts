/**
 * The QMP backend of one runtime node: what `serveQmp` drives for `lockstep primary` and `lockstep
 * secondary`. Commands that touch the machines go through the node (logged, then applied); the commands
 * that are the server's or the runtime's business are answered here: query-migrate's statistics, the
 * migration parameters, quit, and lockstep's own x-lockstep-status.
 * @packageDocumentation
 */
import {
  type Effect,
  type QmpReply as NodeQmpReply,
  migrationStatus as nodeMigrationStatus,
} from '../../machines/index.js';
import { PAGE_SIZE } from '../guest/index.js';
import type { NodeRuntime } from '../node/index.js';
import type { QmpBackend, QmpEvent, QmpReply } from '../qmp/index.js';

/** Options of {@link createNodeBackend}. @public */
export interface NodeBackendOptions {
  /**
   * Called after `quit` was answered (on the next turn of the event loop, once the reply has been
   * written): the caller closes the node and the server, as QEMU exits.
   */
  readonly onQuit?: () => void;
}

/**
 * The migration parameters lockstep knows (migration/options.c:MigrationParameters), stored and
 * reported by query-migrate-parameters as QEMU does. x-checkpoint-delay reaches the running node at once
 * (colo.c:colo_checkpoint_delay_set); multifd-channels is fixed by `--multifd` when the node starts; lockstep
 * paces precopy by max-bandwidth once it is set (the default reported is QEMU's, but nothing is paced until a
 * client sets it). x-lockstep-status shows `parameters.effective`.
 * @public
 */
export interface MigrationParameters {
  readonly 'x-checkpoint-delay': number;
  readonly 'multifd-channels': number;
  readonly 'max-bandwidth': number;
}

const PARAMETER_NAMES = ['x-checkpoint-delay', 'multifd-channels', 'max-bandwidth'] as const;
// migration/options.c:migrate_params_check's ranges
const PARAMETER_RANGES: Record<(typeof PARAMETER_NAMES)[number], readonly [number, number]> = {
  'x-checkpoint-delay': [0, 2 ** 32 - 1],
  'multifd-channels': [1, 255],
  'max-bandwidth': [0, Number.MAX_SAFE_INTEGER],
};
/** Events QEMU sends only while the `events` capability is on (migration.c:migrate_generate_event, ram.c). */
const GATED_EVENTS = new Set(['MIGRATION', 'MIGRATION_PASS']);

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
  const parameters: Record<(typeof PARAMETER_NAMES)[number], number> = {
    'x-checkpoint-delay': node.options.checkpointDelayMs,
    'multifd-channels': node.options.multifd > 0 ? node.options.multifd : 2, // QEMU's default is 2
    'max-bandwidth': 134_217_728, // migration/options.c:MAX_THROTTLE, 128 MiB/s
  };
  const listeners = new Set<(event: QmpEvent) => void>();
  let listening: { address: string; port: number } | null = null;
  node.on('listening', (address: { address: string; port: number }) => {
    listening = { address: address.address, port: address.port };
  });

  node.on('effect', (effect: Effect) => {
    if (effect.kind !== 'qmp-event') return;
    if (GATED_EVENTS.has(effect.event) && !eventsCapability && effect.unconditional !== true) return;
    const event: QmpEvent = { event: effect.event, data: effect.data };
    for (const listener of listeners) listener(event);
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
    args: Readonly<Record<string, unknown>> | undefined,
    { oob }: { readonly oob: boolean },
  ): Promise<QmpReply> => {
    switch (command) {
      case 'query-migrate':
        return { return: queryMigrate(node) };
      case 'query-migrate-parameters':
        return { return: { ...parameters } };
      case 'migrate-set-parameters': {
        const reply = setParameters(parameters, args);
        const delay = args?.['x-checkpoint-delay'];
        if ('return' in reply && typeof delay === 'number') node.setCheckpointDelay(delay);
        const bandwidth = args?.['max-bandwidth'];
        if ('return' in reply && typeof bandwidth === 'number')
          node.maxBandwidth = bandwidth > 0 ? bandwidth : null;
        return reply;
      }
      case 'x-lockstep-status':
        return { return: { ...lockstepStatus(node, parameters, eventsCapability), listening } };
      case 'quit':
        if (!quitting) {
          quitting = true;
          // the session writes the reply when this promise resolves; close after that write
          setTimeout(() => options.onQuit?.(), 10);
        }
        return { return: {} };
      case 'migrate-set-capabilities': {
        const reply = await forward(command, args, oob);
        if ('return' in reply) {
          const caps = Array.isArray(args?.capabilities) ? args.capabilities : [];
          for (const cap of caps as Array<{ capability?: unknown; state?: unknown }>)
            if (cap?.capability === 'events') eventsCapability = cap.state === true;
        }
        return reply;
      }
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

/** migrate-set-parameters: every member checked first, then all applied (migration/options.c). */
function setParameters(
  parameters: Record<(typeof PARAMETER_NAMES)[number], number>,
  args: Readonly<Record<string, unknown>> | undefined,
): QmpReply {
  const updates: Array<[(typeof PARAMETER_NAMES)[number], number]> = [];
  for (const [key, value] of Object.entries(args ?? {})) {
    const name = PARAMETER_NAMES.find((n) => n === key);
    if (name === undefined)
      return genericError(
        `Parameter '${key}' is unexpected (lockstep supports ${PARAMETER_NAMES.join(', ')})`,
      );
    if (typeof value !== 'number' || !Number.isInteger(value))
      return genericError(`Invalid parameter type for '${key}', expected: integer`);
    const [min, max] = PARAMETER_RANGES[name];
    if (value < min || value > max)
      return genericError(`Parameter '${key}' expects a value between ${min} and ${max}`);
    updates.push([name, value]);
  }
  for (const [name, value] of updates) parameters[name] = value;
  return { return: {} };
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

/**
 * query-migrate in QEMU's shape (qapi/migration.json:MigrationInfo), as far as the runtime measures it:
 * status, and ram with transferred (bytes on the channels), remaining (dirty pages not yet sent),
 * total, dirty-sync-count (precopy passes), page-size; plus lockstep's own `x-colo-checkpoints`.
 */
function queryMigrate(node: NodeRuntime): Record<string, unknown> {
  const status = migrationStatus(node);
  if (status === 'none') return {};
  const total = node.guest.byteLength;
  return {
    status,
    ram: {
      transferred: channelBytes(node),
      remaining: node.options.role === 'primary' ? node.guest.dirty.count() * PAGE_SIZE : 0,
      total,
      'dirty-sync-count': node.state.passes,
      'page-size': PAGE_SIZE,
    },
    'x-colo-checkpoints': node.state.checkpoints,
  };
}

/** lockstep's own status: checkpoint statistics, verified digests, the status timeline. */
function lockstepStatus(
  node: NodeRuntime,
  parameters: Readonly<Record<string, number>>,
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
    checkpointDigests: node.checkpointDigests,
    timeline: node.timeline,
    events: eventsCapability,
    parameters: {
      requested: parameters,
      effective: { 'x-checkpoint-delay': node.checkpointDelayMs, 'multifd-channels': options.multifd },
    },
    killed: node.killed,
  };
}
