import { NodeRuntime } from '../runtime/node/index.js';

/**
 * Calls `onNode` with every NodeRuntime started while `run` runs, then restores NodeRuntime.start.
 * runDemo creates its pair internally and offers no hook to observe it, so `demo --view` wraps the static
 * factory for the duration of the demo (one demo per process, as the CLI runs it).
 * @public
 */
export async function withStartedNodes<T>(
  onNode: (node: NodeRuntime) => void,
  run: () => Promise<T>,
): Promise<T> {
  const original = NodeRuntime.start;
  NodeRuntime.start = async (options) => {
    const node = await original.call(NodeRuntime, options);
    onNode(node);
    return node;
  };
  try {
    return await run();
  } finally {
    NodeRuntime.start = original;
  }
}
