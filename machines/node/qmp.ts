import { applyCapabilities, type SetCapabilitiesEvent } from '../capabilities-guards.js';
import { getColoMode, queryColoStatusReason } from '../colo-mode.js';
import { TAG } from '../tags.js';
import { accessReturnPath, lostHeartbeat } from './failover.js';
import { hasTag, type Tx } from './tx.js';
import type { NodeInput, QmpReply } from './types.js';
import { vmStart, vmStop } from './vm.js';

type QmpInput = Extract<NodeInput, { kind: 'qmp' }>;

const ok = (value: unknown = {}): QmpReply => ({ return: value });
const error = (desc: string): QmpReply => ({ error: { class: 'GenericError', desc } });

/**
 * Whether the migration yank instance is registered: from migrate or migrate-incoming until the migration
 * ends (migration.c:qmp_migrate, qemu_start_incoming_migration register it; migrate_fd_cleanup and
 * migration_incoming_state_destroy unregister it), COLO included.
 */
function yankRegistered(tx: Tx): boolean {
  return !hasTag(tx.node.source, TAG.noMigration) || !hasTag(tx.node.incoming, TAG.noMigration);
}

/**
 * The RunState query-status reports (qapi/run-state.json), from the VM and the migration statuses:
 * `prelaunch` until the first cont (-S), `inmigrate` on a destination until its incoming migration
 * ends (migration.c:process_incoming_migration_bh), `colo` while a COLO checkpoint holds the VM
 * (colo.c:colo_do_checkpoint_transaction, colo_incoming_process_checkpoint: vm_stop_force_state),
 * `finish-migrate` while the source completes (migration.c:migration_completion), `postmigrate` after.
 */
function runState(tx: Tx): string {
  if (tx.node.vm === 'running') return 'running';
  const source = tx.status('source');
  const incoming = tx.status('incoming');
  if (tx.node.config.role === 'secondary') {
    if (incoming === 'colo') return 'colo';
    if (!['completed', 'failed', 'cancelled'].includes(incoming) && tx.node.vm === 'prelaunch')
      return 'inmigrate';
  }
  if (tx.node.vm === 'prelaunch') return 'prelaunch';
  if (source === 'colo') return 'colo';
  if (source === 'completed') return 'postmigrate';
  if (source === 'device' || source === 'pre-switchover') return 'finish-migrate';
  return 'paused';
}

/** Commands QEMU runs out of band, even while the main loop is blocked. @internal */
export const OOB_COMMANDS = new Set(['yank', 'migrate-pause', 'query-yank']);

/**
 * The QMP commands that touch the machines, with QEMU's semantics and error texts. Commands outside this
 * table are the server's business (qmp_capabilities, quit, query-migrate's statistics) or unknown.
 * @internal
 */
export function executeQmp(tx: Tx, input: QmpInput): QmpReply | null {
  const args = input.arguments ?? {};
  const source = tx.status('source');
  switch (input.command) {
    case 'migrate-set-capabilities': {
      // migration/options.c:qmp_migrate_set_capabilities refuses while running or in COLO
      if (!hasTag(tx.node.source, TAG.noMigration)) return error("There's a migration process in progress");
      const event = {
        type: 'migrate-set-capabilities' as const,
        capabilities: (args.capabilities ?? []) as SetCapabilitiesEvent['capabilities'],
      };
      // options.c:migrate_caps_check checks the capabilities as they would be after the command
      if (
        tx.node.config.profile.multifdBeforeIncoming &&
        !hasTag(tx.node.incoming, TAG.noMigration) &&
        applyCapabilities(tx.node.incoming.context.capabilities, event).multifd
      )
        return error('Multifd must be set before incoming starts');
      tx.send('source', event);
      tx.send('incoming', event);
      return ok();
    }
    case 'migrate': {
      if (!hasTag(tx.node.source, TAG.noMigration)) return error("There's a migration process in progress");
      tx.send('source', { type: 'migrate' });
      tx.emit({ kind: 'connect', uri: String(args.uri ?? '') });
      return ok();
    }
    case 'migrate-incoming': {
      if (tx.status('incoming') !== 'none') return error('The incoming migration has already been started');
      // 7.2 announces setup while the state stays none (migration.c:qemu_start_incoming_migration)
      for (const action of tx.send('incoming', { type: 'migrate-incoming' }))
        if (action.type === 'announce-setup')
          tx.emit({ kind: 'qmp-event', event: 'MIGRATION', data: { status: 'setup' }, unconditional: true });
      tx.emit({ kind: 'listen', uri: String(args.uri ?? '') });
      return ok();
    }
    case 'migrate_cancel':
      tx.send('source', { type: 'migrate_cancel' });
      // migration.c:migration_cancel shuts rp and to_dst_file under qemu_file_lock
      accessReturnPath(tx, true);
      tx.emit({ kind: 'shutdown-channels', scope: 'main' });
      return ok();
    case 'migrate-continue':
      if (!hasTag(tx.node.source, TAG.awaitsContinue))
        return error(`Migration not in expected state: ${source}`);
      tx.send('source', { type: 'migrate-continue' });
      return ok();
    case 'x-colo-lost-heartbeat':
      return lostHeartbeat(tx);
    case 'yank': {
      // util/yank.c:qmp_yank: every instance must be registered, or nothing is yanked. The checker and
      // replay inject `yank` without arguments: the migration instance, whatever the status.
      if (Array.isArray(args.instances)) {
        const instances = args.instances as readonly { readonly type?: unknown }[];
        if (instances.some((instance) => instance.type !== 'migration' || !yankRegistered(tx)))
          return { error: { class: 'DeviceNotFound', desc: 'Instance not found' } };
        if (instances.length === 0) return ok();
      }
      // shut every registered migration channel; no state changes
      tx.emit({ kind: 'shutdown-channels', scope: 'all' });
      return ok();
    }
    case 'query-yank': // util/yank.c:qmp_query_yank; lockstep's monitor is no chardev
      return ok(yankRegistered(tx) ? [{ type: 'migration' }] : []);
    case 'stop':
      vmStop(tx);
      return ok();
    case 'cont':
      // cpus.c:qmp_cont: an incoming VM only sets autostart (an -incoming QEMU has it already)
      if (runState(tx) !== 'inmigrate') vmStart(tx);
      return ok();
    case 'query-status': {
      const status = runState(tx);
      return ok({
        status,
        ...(tx.node.config.profile.statusSinglestep ? { singlestep: false } : {}),
        running: status === 'running',
      });
    }
    case 'query-colo-status':
      return ok({
        mode: getColoMode(source, tx.status('incoming')),
        'last-mode': tx.node.lastColoMode,
        reason: queryColoStatusReason(source, tx.node.failover.value as 'none'),
      });
    default:
      return null;
  }
}
