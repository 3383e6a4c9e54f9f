import { QEMU_11_0 } from '../../../../index.js';
import type { Effect } from '../../../../machines/index.js';
import { type Pair, startPair } from '../../../../runtime/demo/run-demo.js';
import { waitFor } from '../../../../runtime/demo/wait.js';
import type { NodeRuntime } from '../../../../runtime/node/index.js';

/** A primary and a secondary on loopback with `multifd` channels, in COLO, after `checkpoints` checkpoints. */
export async function multifdPair(multifd: number, checkpoints = 1): Promise<Pair> {
  const pair = await startPair({
    profile: QEMU_11_0,
    ram: '16M',
    multifd,
    checkpoints,
    failover: 'none',
    checkpointDelayMs: 60,
    pagesPerSecond: 40_000,
  });
  await waitFor(
    pair.primary,
    `${checkpoints} checkpoints`,
    () => pair.primary.state.checkpoints >= checkpoints,
  );
  return pair;
}

/** Calls `act` (once) inside the first effect of `node` that `when` picks: mid-step, as a crash would strike. */
export function onEffect(
  node: NodeRuntime,
  when: (effect: Effect) => boolean,
  act: () => void,
): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    node.onEffect((effect) => {
      if (done || !when(effect)) return;
      done = true;
      act();
      resolve();
    });
  });
}

/** Kills and closes both nodes (whatever is left of them). */
export async function stop(pair: Pair): Promise<void> {
  for (const node of [pair.primary, pair.secondary]) {
    if (!node.killed) node.kill();
    await node.close();
  }
}

/** x-colo-lost-heartbeat on the survivor, then until it runs as the service (as the demo does it). */
export { failOverTo as takeOver } from '../../../../runtime/demo/lost-heartbeat.js';

/** The secondary resumed from exactly the image of a checkpoint the primary sent, and every load matched. */
export function resumedFromSentImage({ primary, secondary }: Pair): boolean {
  const last = secondary.verified.at(-1);
  return (
    last !== undefined &&
    secondary.verified.every((v) => v.ram) &&
    primary.checkpointDigests[last.checkpoint - 1] === last.digest
  );
}
