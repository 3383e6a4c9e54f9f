import type { MachineName, NodeRole, NodeState } from '../machines/index.js';

/** The machines one side of a pair runs, in the order the page draws them. @public */
export const SIDE_MACHINES: Readonly<Record<NodeRole, readonly MachineName[]>> = {
  primary: ['migration-source', 'colo-primary', 'failover', 'multifd-send'],
  secondary: ['migration-incoming', 'colo-secondary', 'failover', 'multifd-recv'],
};

/**
 * The dotted paths of the active leaf states of an XState value, as charts/dot.ts names its nodes:
 * `'active'` gives `['active']`, `{ main: 'idle', 'channel-0': 'read' }` gives `['main.idle', 'channel-0.read']`.
 * @public
 */
export function valuePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    valuePaths(child, `${prefix}${key}.`),
  );
}

/** Each machine's active state paths for one node, keyed by chart name. @public */
export function machineStates(node: NodeState): Partial<Record<MachineName, string[]>> {
  const role = node.config.role;
  const states: Partial<Record<MachineName, string[]>> = {
    failover: valuePaths(node.failover.value),
  };
  if (role === 'primary') {
    states['migration-source'] = valuePaths(node.source.value);
    if (node.colo) states['colo-primary'] = valuePaths(node.colo.value);
    if (node.multifdSend) states['multifd-send'] = valuePaths(node.multifdSend.value);
  } else {
    states['migration-incoming'] = valuePaths(node.incoming.value);
    if (node.colo) states['colo-secondary'] = valuePaths(node.colo.value);
    if (node.multifdRecv) states['multifd-recv'] = valuePaths(node.multifdRecv.value);
  }
  return states;
}
