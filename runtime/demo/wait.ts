import { LockstepError } from '../errors.js';
import type { NodeRuntime } from '../node/index.js';

/**
 * Resolves when `ready()` holds after some input applied to the node (or to any of the nodes); rejects
 * after `ms` with what was awaited.
 */
export function waitFor(
  node: NodeRuntime | readonly NodeRuntime[],
  what: string,
  ready: () => boolean,
  ms = 60_000,
): Promise<void> {
  if (ready()) return Promise.resolve();
  const nodes: readonly NodeRuntime[] = Array.isArray(node) ? node : [node as NodeRuntime];
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      for (const n of nodes) n.off('applied', check);
    };
    const timer = setTimeout(() => {
      stop();
      const state = nodes.map((n) => n.options.role).join(' and ');
      reject(new LockstepError('wait-timeout', { state, limit: ms, expected: what }));
    }, ms);
    function check() {
      if (!ready()) return;
      stop();
      resolve();
    }
    for (const n of nodes) n.on('applied', check);
  });
}
