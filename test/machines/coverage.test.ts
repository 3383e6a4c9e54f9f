import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { MACHINES } from '../../machines/index.js';
import type { Exploration, MachineConfig } from './support/explore.js';
import { CONFIGS, edgeKey, explore, stateKey } from './support/explore.js';

/**
 * Edges that must NOT be reachable, each with why. They are checked both ways: the walk must miss
 * exactly these (an edge here that becomes reachable fails the test, and so does any other missed edge).
 */
const ASSERT_NEVER_FIRES = {
  edge: 'main.sync-post --main.step--> main.assert-failed',
  why: "multifd.c:multifd_send_sync_main assert(pending_sync == NONE): QEMU's assertion must never fire",
};
const ONE_SEND_CHANNEL = [
  'main.sync-post --main.step--> main.sync-post',
  'main.sync-wait-sync --main.step--> main.sync-check',
].map((edge) => ({ edge, why: 'one channel: index 0 is always the last channel (multifd_send_sync_main)' }));
// channel-0.loop --step--> channel-0.exit is reachable with one channel since `terminate`
// (multifd_recv_shutdown) wakes a channel parked after its SYNC packet with `exiting` set
const ONE_RECV_CHANNEL = [
  {
    edge: 'main.sync-wait --main.step--> main.sync-wait',
    why: 'one channel: one SYNC completes multifd_recv_sync_main',
  },
];

function unreachableByDesign(config: MachineConfig): Array<{ edge: string; why: string }> {
  if (config.name === 'multifd-send') {
    return [ASSERT_NEVER_FIRES, ...(config.options.channels === 1 ? ONE_SEND_CHANNEL : [])];
  }
  if (config.name === 'multifd-recv' && config.options.channels === 1) return ONE_RECV_CHANNEL;
  return [];
}

interface CoverageRow {
  readonly machine: string;
  readonly label: string;
  readonly options: Record<string, unknown>;
  readonly reachableStates: number;
  readonly transitions: number;
  readonly covered: number;
  readonly unreachableByDesign: Array<{ edge: string; why: string }>;
  readonly missing: string[];
}

const report: CoverageRow[] = [];

afterAll(() => {
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/coverage.json', `${JSON.stringify({ machines: report }, null, 2)}\n`);
});

const explorations = new Map<string, Exploration>();
const explored = (config: MachineConfig) => {
  let found = explorations.get(config.label);
  if (!found) {
    found = explore(config);
    explorations.set(config.label, found);
  }
  return found;
};

describe('model-based transition coverage (xstate/graph getAdjacencyMap over the full alphabet)', () => {
  for (const config of CONFIGS) {
    it(`${config.label}: every edge of machineGraph is taken`, () => {
      const exploration = explored(config);
      const edges = [...new Set(exploration.graphEdges.map(edgeKey))];
      const missing = edges.filter((edge) => !exploration.taken.has(edge));
      const allowed = unreachableByDesign(config);
      const unexpectedlyMissing = missing.filter((edge) => !allowed.some((a) => a.edge === edge));
      const nowReachable = allowed.filter((a) => exploration.taken.has(a.edge)).map((a) => a.edge);
      const mustCover = edges.length - allowed.length;
      const covered = edges.length - missing.length;
      const { profile, ...rest } = config.options;
      report.push({
        machine: config.name,
        label: config.label,
        options: { ...rest, ...(profile ? { profile: profile.name } : {}) },
        reachableStates: exploration.states,
        transitions: edges.length,
        covered,
        unreachableByDesign: allowed,
        missing,
      });
      console.log(
        `coverage ${config.label}: ${covered}/${mustCover} transitions` +
          (allowed.length ? ` (+${allowed.length} unreachable by design)` : '') +
          `, ${exploration.states} states`,
      );

      // sanity: the walk saw something, and every value change is one of the machine's own edges
      expect(exploration.states).toBeGreaterThan(1);
      const strays = [...exploration.valueChanges].filter((change) => !edges.includes(change));
      expect(strays, 'state changes that are no edge of machineGraph').toEqual([]);
      const unexplained = [...exploration.valueChanges].filter((change) => !exploration.taken.has(change));
      expect(unexplained, 'value changes without a selected transition').toEqual([]);

      expect(unexpectedlyMissing, `edges of ${config.label} no generated path takes`).toEqual([]);
      expect(nowReachable, 'edges listed as unreachable by design that were taken').toEqual([]);
      expect(covered).toBe(mustCover);
    });
  }
});

/** Up to `count` paths spread over the list, always including the longest. */
function sample<T extends { steps: unknown[] }>(paths: T[], count: number): T[] {
  const sorted = [...paths].sort((a, b) => a.steps.length - b.steps.length);
  if (sorted.length <= count) return sorted;
  const stride = sorted.length / count;
  const picked = Array.from({ length: count }, (_, i) => sorted[Math.floor(i * stride)]!);
  return [...picked.slice(0, -1), sorted[sorted.length - 1]!];
}

/**
 * What must agree: the state key (value and every context field that decides the future; for
 * multifd-send the clamped `sem`, since a path's recorded state is the first snapshot found under its
 * key) and the actor status.
 */
const fullState = (config: MachineConfig, snapshot: AnyMachineSnapshot) =>
  `${snapshot.status} ${stateKey(config.name, snapshot)}`;

describe('generated paths replayed on a live actor agree with the pure transition()', () => {
  // the multifd machines with two channels have thousands of states: sample the one-channel ones
  const replayed = CONFIGS.filter((c) => !(c.name.startsWith('multifd') && c.options.channels === 2));
  for (const config of replayed) {
    it(`${config.label}: getShortestPaths sample replays identically on createActor`, () => {
      const entry = MACHINES[config.name];
      const machine = entry.create(config.options);
      const paths = getShortestPaths(machine, {
        events: entry.alphabet(config.options),
        serializeState: (snapshot) => stateKey(config.name, snapshot),
      });
      expect(paths.length).toBe(explored(config).states);
      for (const path of sample(paths, 25)) {
        const actor = createActor(machine).start();
        const mismatches: string[] = [];
        path.steps.forEach((step: { event: EventObject; state: AnyMachineSnapshot }, i: number) => {
          if (i > 0) actor.send(step.event);
          const live = fullState(config, actor.getSnapshot());
          const pure = fullState(config, step.state);
          if (live !== pure) mismatches.push(`step ${i} ${step.event.type}: actor ${live} vs pure ${pure}`);
        });
        actor.stop();
        expect(mismatches).toEqual([]);
      }
    });
  }
});
