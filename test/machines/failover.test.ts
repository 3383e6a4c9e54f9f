import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { FailoverEvent, MigrationIncomingEvent, MigrationSourceEvent } from '../../machines/index.js';
import {
  createFailoverMachine,
  createMigrationIncomingMachine,
  createMigrationSourceMachine,
  getColoMode,
  machineGraph,
  PROFILES,
} from '../../machines/index.js';
import type { Pair } from './support/qapi.js';
import { diffPairs, pairStrings } from './support/qapi.js';

/** FailoverStatus, reference §2c. */
const FAILOVER: Pair[] = [
  // colo-failover.c:failover_init_state: a plain store to none from any status
  ['none', 'none'],
  ['require', 'none'],
  ['active', 'none'],
  ['completed', 'none'],
  ['relaunch', 'none'], // also colo.c:colo_process_incoming_thread (relaunch -> none)
  ['none', 'require'], // colo-failover.c:failover_request_active
  ['require', 'active'], // colo-failover.c:colo_failover_bh
  ['active', 'completed'], // colo.c:primary_vm_do_failover, secondary_vm_do_failover
  ['active', 'relaunch'], // colo.c:secondary_vm_do_failover (vmstate_loading)
];

const run = (events: FailoverEvent[]) => {
  const machine = createFailoverMachine();
  let [snapshot] = initialTransition(machine);
  const seen = [String(snapshot.value)];
  for (const event of events) {
    [snapshot] = transition(machine, snapshot, event);
    seen.push(String(snapshot.value));
  }
  return seen;
};

describe('failover (FailoverStatus)', () => {
  it('its (from, to) pairs are those of reference §2c', () => {
    const actual = pairStrings(
      machineGraph(createFailoverMachine()).transitions.map((t) => [t.from, t.to] as const),
    );
    expect(diffPairs(actual, pairStrings(FAILOVER))).toEqual({ added: [], missing: [] });
  });

  it('x-colo-lost-heartbeat is refused outside COLO mode and accepted in it', () => {
    expect(run([{ type: 'x-colo-lost-heartbeat', coloMode: 'none' }])).toEqual(['none', 'none']);
    expect(run([{ type: 'x-colo-lost-heartbeat', coloMode: 'primary' }])).toEqual(['none', 'require']);
  });

  it('a user failover: none -> require -> active -> completed; a second heartbeat is ignored', () => {
    expect(
      run([
        { type: 'x-colo-lost-heartbeat', coloMode: 'secondary' },
        { type: 'x-colo-lost-heartbeat', coloMode: 'secondary' },
        { type: 'bottom-half' },
        { type: 'failover-done' },
      ]),
    ).toEqual(['none', 'require', 'require', 'active', 'completed']);
  });

  it('the RELAUNCH detour: active -> relaunch -> none -> require -> active -> completed', () => {
    expect(
      run([
        { type: 'x-colo-lost-heartbeat', coloMode: 'secondary' },
        { type: 'bottom-half' },
        { type: 'defer' },
        { type: 'relaunch-handled' },
        { type: 'request' },
        { type: 'bottom-half' },
        { type: 'failover-done' },
      ]),
    ).toEqual(['none', 'require', 'active', 'relaunch', 'none', 'require', 'active', 'completed']);
  });

  it('the COLO mode is derived from the migration states (colo.c:get_colo_mode)', () => {
    expect(getColoMode('colo', 'none')).toBe('primary');
    expect(getColoMode('none', 'colo')).toBe('secondary');
    expect(getColoMode('cancelling', 'none')).toBe('none');
  });

  for (const profile of Object.values(PROFILES)) {
    it(`${profile.name}: failover moves both sides from colo to completed`, () => {
      const source = createMigrationSourceMachine(profile);
      let [s] = initialTransition(source, { capabilities: { 'x-colo': true } });
      const path: MigrationSourceEvent['type'][] =
        profile.name === 'qemu-7.2'
          ? ['migrate', 'setup-done', 'completion-done']
          : ['migrate', 'setup-done', 'switchover', 'completion-done'];
      for (const type of path) [s] = transition(source, s, { type } as MigrationSourceEvent);
      expect(s.value).toBe('colo');
      [s] = transition(source, s, { type: 'failover' });
      expect(s.value).toBe('completed');

      const incoming = createMigrationIncomingMachine(profile);
      let [d] = initialTransition(incoming, { capabilities: { 'x-colo': true } });
      const dpath: MigrationIncomingEvent['type'][] = profile.incomingSetup
        ? ['migrate-incoming', 'load-start', 'colo-start']
        : ['load-start', 'colo-start'];
      for (const type of dpath) [d] = transition(incoming, d, { type } as MigrationIncomingEvent);
      expect(d.value).toBe('colo');
      [d] = transition(incoming, d, { type: 'failover' });
      expect(d.value).toBe('completed');
    });
  }
});
