import { QmpClient } from '../qmp/client.js';
import type { QmpTarget } from '../qmp/lines.js';
import type { QmpEvent } from '../qmp/wire.js';
import { sleep } from './free-port.js';
import type { PairSide, Role } from './types.js';

/** Connects to a node's QMP socket (retrying while it is not there yet) and records its traffic. @internal */
export async function connectSide(
  role: Role,
  target: QmpTarget,
  recordTo: string,
  timeoutMs: number,
  kill: () => Promise<void>,
): Promise<PairSide> {
  const deadline = Date.now() + 10_000;
  let qmp: QmpClient | undefined;
  for (;;) {
    try {
      qmp = await QmpClient.connect(target, { recordTo, timeoutMs, connectTimeoutMs: 5000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
  const statuses: string[] = [];
  const events: QmpEvent[] = [];
  qmp.onEvent((event) => {
    events.push(event);
    if (event.event === 'MIGRATION' && typeof event.data?.status === 'string')
      statuses.push(event.data.status);
  });
  let killed = false;
  return {
    role,
    qmp,
    statuses,
    events,
    get killed() {
      return killed;
    },
    async kill() {
      killed = true;
      await kill();
    },
  };
}
