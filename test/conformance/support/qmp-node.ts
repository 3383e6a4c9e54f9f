import { join } from 'node:path';
import { QmpClient } from '../../../conformance/qmp/client.js';
import type { ProfileName } from '../../../machines/profiles.js';
import { type LockstepNode, startNode } from '../../../runtime/host/index.js';

/** A lockstep node of `role` in `dir` with a QMP client on its socket, recording to `ROLE.qmp.jsonl`. */
export interface QmpNode {
  node: LockstepNode;
  qmp: QmpClient;
  /** The client's record of the QMP traffic (JSON lines). */
  log: string;
}

/**
 * Starts a 4 MiB node (the secondary listening on any free loopback port) and connects a recording QMP
 * client; both are pushed on `cleanup` to stop them, whatever the test does.
 */
export async function startQmpNode(
  dir: string,
  role: 'primary' | 'secondary',
  profile: ProfileName,
  cleanup: Array<() => Promise<unknown>>,
  timeoutMs?: number,
): Promise<QmpNode> {
  const path = join(dir, `${role}.qmp`);
  const node = await startNode({
    role,
    profile,
    logPath: join(dir, `${role}.log.jsonl`),
    ram: '4M',
    qmp: { path },
    ...(role === 'secondary' ? { listen: '127.0.0.1:0' } : {}),
  });
  cleanup.push(() => node.stop());
  const log = join(dir, `${role}.qmp.jsonl`);
  const qmp = await QmpClient.connect({ path }, { recordTo: log, ...(timeoutMs ? { timeoutMs } : {}) });
  cleanup.push(() => qmp.close());
  return { node, qmp, log };
}
