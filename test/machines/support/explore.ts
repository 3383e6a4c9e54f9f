import type { AnyMachineSnapshot, AnyStateMachine, EventObject, StateValue } from 'xstate';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { MachineName, MachineOptions, TransitionEdge } from '../../../machines/index.js';
import { MACHINES, machineGraph, PROFILES } from '../../../machines/index.js';

/** One machine built one way: which machine, with which options, under a readable label. */
export interface MachineConfig {
  readonly name: MachineName;
  readonly label: string;
  readonly options: MachineOptions;
}

const STATUS_MACHINES = [
  'migration-source',
  'migration-incoming',
  'failover',
  'colo-primary',
  'colo-secondary',
] as const;

/**
 * Every configuration the coverage test walks: each profile for the status and COLO machines (failover
 * has no profile switch but is walked under both to catch a profile leaking into it), and the multifd
 * machines with 1 and 2 channels (send also with the hang fix on and off).
 */
export const CONFIGS: readonly MachineConfig[] = [
  ...STATUS_MACHINES.flatMap((name) =>
    Object.values(PROFILES).map((profile) => ({
      name,
      label: `${name} ${profile.name}`,
      options: { profile },
    })),
  ),
  ...[1, 2].flatMap((channels) =>
    [true, false].map((kickOnExit) => ({
      name: 'multifd-send' as const,
      label: `multifd-send channels=${channels} kickOnExit=${kickOnExit ? 'on' : 'off'}`,
      options: { channels, kickOnExit },
    })),
  ),
  ...[1, 2].map((channels) => ({
    name: 'multifd-recv' as const,
    label: `multifd-recv channels=${channels}`,
    options: { channels },
  })),
];

/** Reads a numeric array out of an unknown context field. */
const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number) : []);

/**
 * The part of a snapshot that decides its future, as a string.
 * - status machines: value and capabilities (6 booleans: bounded);
 * - failover and COLO threads: value only (no context);
 * - multifd-recv: value and the whole context (bounded, checked by the coverage test's state counts);
 * - multifd-send: value and context, except that once `exiting` is set each `sem` count is clamped to 1.
 *   `terminate` is an unguarded root transition that posts every `sem` again each time it is sent, so the
 *   raw context is unbounded. After `exiting`, a channel takes at most one `sem` (then leaves through
 *   `exit`), and the only guard reading `sem` is `> 0`, so every count >= 1 behaves alike: the clamp is exact.
 */
export function stateKey(name: MachineName, snapshot: AnyMachineSnapshot): string {
  const value = snapshot.value;
  const context: unknown = snapshot.context;
  switch (name) {
    case 'failover':
    case 'colo-primary':
    case 'colo-secondary':
      return JSON.stringify(value);
    case 'migration-source':
    case 'migration-incoming':
      return JSON.stringify({ value, capabilities: (context as { capabilities: unknown }).capabilities });
    case 'multifd-recv':
      return JSON.stringify({ value, context });
    case 'multifd-send': {
      const ctx = context as { exiting: boolean; sem: unknown };
      const sem = numbers(ctx.sem).map((n) => (ctx.exiting ? Math.min(n, 1) : n));
      return JSON.stringify({ value, context: { ...ctx, sem } });
    }
  }
}

/** Dotted paths of the active atomic states: `none`, or `main.idle`, `channel-0.init`. */
export function leafPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined ? [] : leafPaths(child, `${prefix}${key}.`),
  );
}

/** The identity of an edge as the tests compare them. */
export const edgeKey = (edge: { from: string; to: string; event: string }) =>
  `${edge.from} --${edge.event}--> ${edge.to}`;

const pathOf = (node: { path: readonly string[] }) => node.path.join('.');

/**
 * The static edges taken when `event` is sent in `snapshot`: the transitions XState selects (guards
 * evaluated), each as (source state, target state, event type). This is how a guarded or self-looping
 * edge is told apart from its siblings.
 */
export function edgesTaken(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject) {
  if (snapshot.status !== 'active') return [];
  return machine
    .getTransitionData(snapshot, event)
    .flatMap((t) =>
      (t.target ?? []).map((target) => ({ from: pathOf(t.source), to: pathOf(target), event: event.type })),
    );
}

/** One explored configuration: its machine, the alphabet, the adjacency map and the edges it took. */
export interface Exploration {
  readonly config: MachineConfig;
  readonly machine: AnyStateMachine;
  readonly alphabet: EventObject[];
  readonly graphEdges: TransitionEdge[];
  readonly states: number;
  readonly taken: Set<string>;
  /** Changes of an atomic state seen by comparing `transition()`'s value before and after, as edge keys. */
  readonly valueChanges: Set<string>;
}

/**
 * Walks a configuration with xstate/graph's getAdjacencyMap over its full alphabet (the `events` option
 * replaces XState's default list, so the whole alphabet must be given), then replays every adjacency
 * entry through the pure `transition()` to find which edges it took.
 */
export function explore(config: MachineConfig): Exploration {
  const entry = MACHINES[config.name];
  const machine = entry.create(config.options);
  const alphabet = entry.alphabet(config.options);
  const adjacency = getAdjacencyMap(machine, {
    events: alphabet,
    serializeState: (snapshot) => stateKey(config.name, snapshot),
  });
  const taken = new Set<string>();
  const valueChanges = new Set<string>();
  for (const { state, transitions } of Object.values(adjacency)) {
    for (const { event } of Object.values(transitions) as Array<{ event: EventObject }>) {
      for (const edge of edgesTaken(machine, state, event)) taken.add(edgeKey(edge));
      const [next] = transition(machine, state, event);
      const before = new Set(leafPaths(state.value));
      const after = leafPaths(next.value);
      const left = [...before].filter((leaf) => !after.includes(leaf));
      const entered = after.filter((leaf) => !before.has(leaf));
      // parallel regions move one at a time here: pair what left and what entered in the same region
      for (const to of entered) {
        const region = to.split('.').slice(0, -1).join('.');
        const from = left.find((leaf) => leaf.split('.').slice(0, -1).join('.') === region);
        if (from !== undefined) valueChanges.add(edgeKey({ from, to, event: event.type }));
      }
    }
  }
  return {
    config,
    machine,
    alphabet,
    graphEdges: machineGraph(machine).transitions,
    states: Object.keys(adjacency).length,
    taken,
    valueChanges,
  };
}

/** A deadlock search result: the stuck state and the events that reach it. */
export interface Found {
  readonly snapshot: AnyMachineSnapshot;
  readonly path: EventObject[];
}

/**
 * Breadth-first search over `transition()` from the initial state, keyed by {@link stateKey}; returns the
 * first state satisfying `goal` with a shortest path to it, and how many states were seen.
 */
export function bfs(
  name: MachineName,
  options: MachineOptions,
  goal: (snapshot: AnyMachineSnapshot, machine: AnyStateMachine, alphabet: EventObject[]) => boolean,
  keep: (event: EventObject) => boolean = () => true,
): { found: Found | undefined; seen: number } {
  const entry = MACHINES[name];
  const machine = entry.create(options);
  const alphabet = entry.alphabet(options).filter(keep);
  const [initial] = initialTransition(machine);
  const parents = new Map<string, { parent: string | undefined; event: EventObject | undefined }>();
  const startKey = stateKey(name, initial);
  parents.set(startKey, { parent: undefined, event: undefined });
  const queue: Array<[string, AnyMachineSnapshot]> = [[startKey, initial]];
  for (let head = 0; head < queue.length; head++) {
    const [key, snapshot] = queue[head]!;
    if (goal(snapshot, machine, alphabet)) {
      const path: EventObject[] = [];
      for (let k: string | undefined = key; k !== undefined; ) {
        const link: { parent: string | undefined; event: EventObject | undefined } = parents.get(k)!;
        if (link.event) path.unshift(link.event);
        k = link.parent;
      }
      return { found: { snapshot, path }, seen: parents.size };
    }
    for (const event of alphabet) {
      // an event no transition accepts leaves the state as it is: skip the costlier transition()
      if (snapshot.status !== 'active' || machine.getTransitionData(snapshot, event).length === 0) continue;
      const [next] = transition(machine, snapshot, event);
      const nextKey = stateKey(name, next);
      if (!parents.has(nextKey)) {
        parents.set(nextKey, { parent: key, event });
        queue.push([nextKey, next]);
      }
    }
  }
  return { found: undefined, seen: parents.size };
}

/** True when no event of the alphabet changes the state (as {@link stateKey} sees it). */
export function isStuck(
  name: MachineName,
  machine: AnyStateMachine,
  alphabet: EventObject[],
  snapshot: AnyMachineSnapshot,
) {
  const key = stateKey(name, snapshot);
  return alphabet.every((event) => stateKey(name, transition(machine, snapshot, event)[0]) === key);
}
