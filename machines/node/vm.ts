import type { Tx } from './tx.js';

/** cpus.c:vm_stop / runstate: a STOP event only when the VM was running. @internal */
export function vmStop(tx: Tx): void {
  if (tx.node.vm !== 'running') return;
  tx.set({ vm: 'stopped' });
  tx.emit({ kind: 'qmp-event', event: 'STOP', data: {} });
}

/** cpus.c:vm_start: a RESUME event only when the VM was not running. @internal */
export function vmStart(tx: Tx): void {
  if (tx.node.vm === 'running') return;
  tx.set({ vm: 'running' });
  tx.emit({ kind: 'qmp-event', event: 'RESUME', data: {} });
}
