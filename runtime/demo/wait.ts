import type { NodeRuntime } from '../node/index.js';

/** Resolves when `ready()` holds after some effect of the node; rejects after `ms` with what was awaited. */
export function waitFor(node: NodeRuntime, what: string, ready: () => boolean, ms = 60_000): Promise<void> {
  if (ready()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.off('applied', check);
      reject(new Error(`${node.options.role}: timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    function check() {
      if (!ready()) return;
      clearTimeout(timer);
      node.off('applied', check);
      resolve();
    }
    node.on('applied', check);
  });
}
