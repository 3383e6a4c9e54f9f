import { describe, expect, it } from 'vitest';
import { createMigrationIncomingMachine, machineGraph, PROFILES } from '../../machines/index.js';
import type { Pair } from './support/qapi.js';
import { diffPairs, pairStrings, QAPI_7_2, QAPI_11_0 } from './support/qapi.js';

/** MigrationIncomingState.state, QEMU 11.0: reference §2b (the FAILING patch changes no incoming transition). */
const INCOMING_11_0: Pair[] = [
  ['none', 'setup'], // migration.c:migration_incoming_state_setup
  ['setup', 'active'], // migration.c:process_incoming_migration_co
  ['active', 'failed'], // migration.c:process_incoming_migration_co (fail label); channel.c:migration_channel_process_incoming
  ['active', 'completed'], // migration.c:process_incoming_migration_bh
  ['active', 'colo'], // colo.c:colo_process_incoming_thread
  ['colo', 'completed'], // colo.c:secondary_vm_do_failover
  ['postcopy-paused', 'postcopy-recover'], // migration.c:postcopy_try_recover
  ['none', 'failed'], // channel.c:migration_channel_process_incoming
  ['setup', 'failed'], // channel.c:migration_channel_process_incoming
  ['postcopy-paused', 'failed'], // channel.c:migration_channel_process_incoming
  ['active', 'postcopy-device'], // postcopy-ram.c:postcopy_listen_thread (return path)
  ['active', 'postcopy-active'], // postcopy-ram.c:postcopy_listen_thread (no return path)
  ['postcopy-device', 'failed'], // postcopy-ram.c:postcopy_listen_thread
  ['postcopy-active', 'failed'], // postcopy-ram.c:postcopy_listen_thread
  ['postcopy-active', 'completed'], // postcopy-ram.c:postcopy_listen_thread
  ['postcopy-device', 'postcopy-active'], // savevm.c:loadvm_postcopy_handle_run
  ['postcopy-recover', 'postcopy-active'], // savevm.c:loadvm_postcopy_handle_resume
  ['postcopy-active', 'postcopy-paused'], // savevm.c:postcopy_pause_incoming
  ['postcopy-recover', 'postcopy-paused'], // savevm.c:postcopy_pause_incoming
];

/** MigrationIncomingState.state, QEMU 7.2: docs/qemu-7.2.md "Incoming transitions". */
const INCOMING_7_2: Pair[] = [
  ['none', 'active'], // migration.c:process_incoming_migration_co (no setup state)
  ['active', 'failed'], // migration.c:process_incoming_migration_co (then exit)
  ['active', 'completed'], // migration.c:process_incoming_migration_bh
  ['active', 'colo'], // colo.c:colo_process_incoming_thread
  ['colo', 'completed'], // colo.c:secondary_vm_do_failover
  ['postcopy-paused', 'postcopy-recover'], // migration.c:postcopy_try_recover
  ['active', 'postcopy-active'], // savevm.c:postcopy_ram_listen_thread
  ['postcopy-active', 'failed'], // savevm.c:postcopy_ram_listen_thread
  ['postcopy-active', 'completed'], // savevm.c:postcopy_ram_listen_thread
  ['postcopy-recover', 'postcopy-active'], // savevm.c:loadvm_postcopy_handle_resume
  ['postcopy-active', 'postcopy-paused'], // savevm.c:postcopy_pause_incoming (only from postcopy-active)
  // channel.c:migration_channel_process_incoming changes no state in 7.2.
];

const TABLES = { 'qemu-7.2': INCOMING_7_2, 'qemu-11.0': INCOMING_11_0 } as const;
const ENUMS = { 'qemu-7.2': QAPI_7_2, 'qemu-11.0': QAPI_11_0 } as const;

describe('migration-incoming: (from, to) pairs per profile equal the hand-written table', () => {
  for (const profile of Object.values(PROFILES)) {
    it(`${profile.name}: machineGraph pairs == reference table`, () => {
      const graph = machineGraph(createMigrationIncomingMachine(profile));
      const actual = pairStrings(graph.transitions.map((t) => [t.from, t.to] as const));
      const expected = pairStrings(TABLES[profile.name]);
      const { added, missing } = diffPairs(actual, expected);
      if (added.length || missing.length) {
        console.log(
          `migration-incoming ${profile.name}: machine has but table lacks: ${JSON.stringify(added)}; ` +
            `table has but machine lacks: ${JSON.stringify(missing)}`,
        );
      }
      expect({ added, missing }).toEqual({ added: [], missing: [] });
    });

    it(`${profile.name}: the profile's statuses are the QAPI enum; the destination's states are among them`, () => {
      expect([...profile.statuses]).toEqual([...ENUMS[profile.name]]);
      const states = machineGraph(createMigrationIncomingMachine(profile)).states;
      const enumValues: readonly string[] = ENUMS[profile.name];
      expect(states.filter((s) => !enumValues.includes(s))).toEqual([]);
      // every status of the table is a state of the machine
      const inTable = new Set(TABLES[profile.name].flat());
      expect([...inTable].filter((s) => !states.includes(s))).toEqual([]);
    });
  }

  it('colo is entered only from active under x-colo, and left only by failover', () => {
    for (const profile of Object.values(PROFILES)) {
      const edges = machineGraph(createMigrationIncomingMachine(profile)).transitions;
      expect(edges.filter((t) => t.to === 'colo').map((t) => [t.from, t.guard])).toEqual([
        ['active', 'x-colo'],
      ]);
      expect(edges.filter((t) => t.from === 'colo').map((t) => [t.event, t.to])).toEqual([
        ['failover', 'completed'],
      ]);
    }
  });
});
