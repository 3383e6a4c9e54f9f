/**
 * One QEMU process as the composition of its machines: the glue QEMU writes between them (failover
 * bottom half, primary_vm_do_failover, secondary_vm_do_failover, the QemuEvents, the VM run state),
 * pure, so the runtime folds its log through it and the checker explores it.
 * @packageDocumentation
 */
export { applyInput } from './apply.js';
export { createNode } from './create.js';
export { enabledThreads } from './threads.js';
export type * from './types.js';
