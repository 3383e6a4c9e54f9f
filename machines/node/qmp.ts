import { getColoMode, queryColoStatusReason } from '../colo-mode.js';
import { TAG } from '../tags.js';
import { accessReturnPath, lostHeartbeat } from './failover.js';
import { hasTag, type Tx } from './tx.js';
import type { NodeInput, QmpReply } from './types.js';
import { vmStart, vmStop } from './vm.js';

type QmpInput = Extract<NodeInput, { kind: 'qmp' }>;

const ok = (value: unknown = {}): QmpReply => ({ return: value });
const error = (desc: string): QmpReply => ({ error: { class: 'GenericError', desc } });

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
      const event = { type: 'migrate-set-capabilities', capabilities: args.capabilities ?? [] };
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
    case 'yank': // util/yank.c: shut every registered migration channel; no state changes
      tx.emit({ kind: 'shutdown-channels', scope: 'all' });
      return ok();
    case 'stop':
      vmStop(tx);
      return ok();
    case 'cont':
      vmStart(tx);
      return ok();
    case 'query-status':
      return ok({
        running: tx.node.vm === 'running',
        status: tx.node.vm === 'running' ? 'running' : 'paused',
      });
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
