import { describe, expect, it } from 'vitest';
import { createMigrationSourceMachine, machineGraph, PROFILES } from '../../machines/index.js';
import type { Pair } from './support/qapi.js';
import { diffPairs, pairStrings, QAPI_7_2, QAPI_11_0 } from './support/qapi.js';

/**
 * MigrationState.state on the source, QEMU 11.0: reference §2a with the FAILING patch applied (every
 * `-> failed` of migration_thread, bg_migration_thread, migration_completion, bg_migration_completion,
 * migration_detect_error, postcopy_start, migration_connect_error_propagate, multifd_send_setup and
 * multifd_send_error_propagate becomes `-> failing`; migration_cleanup adds failing -> failed).
 */
const SOURCE_11_0: Pair[] = [
  ['none', 'setup'], // migration.c:migrate_init (after the plain store s->state = NONE)
  ['setup', 'wait-unplug'], // migration.c:qemu_savevm_wait_unplug
  ['setup', 'active'], // migration.c:qemu_savevm_wait_unplug
  ['wait-unplug', 'active'], // migration.c:qemu_savevm_wait_unplug
  ['active', 'failing'], // migration.c:migration_thread, bg_migration_thread, migration_completion, bg_migration_completion, migration_detect_error, postcopy_start; multifd.c:multifd_send_error_propagate
  ['active', 'device'], // migration.c:migration_switchover_prepare (!pause-before-switchover)
  ['active', 'pre-switchover'], // migration.c:migration_switchover_prepare
  ['pre-switchover', 'device'], // migration.c:migration_switchover_prepare (after migrate-continue)
  ['device', 'colo'], // migration.c:migration_completion (migrate_colo() && state == DEVICE)
  ['device', 'completed'], // migration.c:migration_completion_end
  ['postcopy-active', 'completed'], // migration.c:migration_completion_end
  ['active', 'completed'], // migration.c:migration_completion_end (background snapshot)
  ['device', 'failing'], // migration.c:migration_completion, postcopy_start; multifd.c:multifd_send_error_propagate
  ['postcopy-active', 'failing'], // migration.c:migration_completion
  ['postcopy-device', 'failing'], // migration.c:migration_detect_error
  ['postcopy-active', 'postcopy-paused'], // migration.c:postcopy_pause
  ['postcopy-recover', 'postcopy-paused'], // migration.c:postcopy_pause
  ['postcopy-device', 'postcopy-active'], // migration.c:migration_iteration_run
  ['device', 'postcopy-device'], // migration.c:postcopy_start (return path)
  ['device', 'postcopy-active'], // migration.c:postcopy_start (no return path)
  ['setup', 'failing'], // migration.c:migration_connect_error_propagate; multifd.c:multifd_send_setup, multifd_send_error_propagate
  ['postcopy-recover-setup', 'postcopy-paused'], // migration.c:migration_connect_error_propagate
  // migration.c:migration_cancel, every state of migration_is_running() including colo
  ['setup', 'cancelling'],
  ['active', 'cancelling'],
  ['postcopy-device', 'cancelling'],
  ['postcopy-active', 'cancelling'],
  ['postcopy-paused', 'cancelling'],
  ['postcopy-recover-setup', 'cancelling'],
  ['postcopy-recover', 'cancelling'],
  ['pre-switchover', 'cancelling'],
  ['device', 'cancelling'],
  ['wait-unplug', 'cancelling'],
  ['colo', 'cancelling'],
  ['cancelling', 'cancelled'], // migration.c:migration_cancel, migration_cleanup
  ['postcopy-paused', 'postcopy-recover-setup'], // migration.c:migrate_prepare
  ['postcopy-recover-setup', 'postcopy-recover'], // migration.c:migration_start_outgoing
  ['postcopy-recover', 'postcopy-active'], // migration.c:migrate_handle_rp_resume_ack
  ['pre-switchover', 'failing'], // multifd.c:multifd_send_error_propagate
  ['setup', 'failed'], // multifd.c:multifd_recv_terminate_threads (unchanged by FAILING); savevm.c:qemu_savevm_state
  ['active', 'failed'], // multifd.c:multifd_recv_terminate_threads
  ['setup', 'completed'], // savevm.c:qemu_savevm_state
  ['completed', 'failed'], // cpr-exec.c:cpr_exec_cb
  ['colo', 'completed'], // colo.c:primary_vm_do_failover
  ['failing', 'failed'], // migration.c:migration_cleanup (FAILING patch d1ab9655fd)
  // A new migrate after an earlier one: migration.c:migrate_init first stores none plainly (no MIGRATION
  // event, not a migrate_set_state), then none -> setup. What a QMP observer sees is idle -> setup, and
  // that is what the machine models (docs/machines.md, "Status machines").
  ['completed', 'setup'],
  ['failed', 'setup'],
  ['cancelled', 'setup'],
];

/** MigrationState.state on the source, QEMU 7.2: docs/qemu-7.2.md "Source transitions". */
const SOURCE_7_2: Pair[] = [
  ['none', 'setup'], // migration.c:migrate_init
  ['setup', 'failed'], // migration.c:migrate_fd_error, migrate_fd_connect; multifd.c; savevm.c:qemu_savevm_state
  ['postcopy-paused', 'postcopy-recover'], // migration.c:migrate_fd_connect
  ['setup', 'wait-unplug'], // migration.c:qemu_savevm_wait_unplug
  ['setup', 'active'], // migration.c:qemu_savevm_wait_unplug
  ['wait-unplug', 'active'], // migration.c:qemu_savevm_wait_unplug
  ['active', 'pre-switchover'], // migration.c:migration_maybe_pause (pause-before-switchover only)
  ['pre-switchover', 'device'], // migration.c:migration_maybe_pause (precopy, after migrate-continue)
  ['pre-switchover', 'postcopy-active'], // migration.c:migration_maybe_pause inside postcopy_start
  ['active', 'colo'], // migration.c:migration_completion (x-colo and state still active)
  ['active', 'completed'], // migration.c:migration_completion, bg_migration_completion
  ['device', 'completed'], // migration.c:migration_completion
  ['postcopy-active', 'completed'], // migration.c:migration_completion
  ['active', 'failed'], // migration.c:migration_completion, postcopy_start, bg_migration_thread, migration_detect_error
  ['device', 'failed'], // migration.c:migration_completion `fail:`; multifd.c:multifd_send_terminate_threads
  ['postcopy-active', 'failed'], // migration.c:migration_completion, postcopy_start (after the package)
  ['pre-switchover', 'failed'], // migration.c:postcopy_start (preempt channel); multifd.c:multifd_send_terminate_threads
  ['active', 'postcopy-active'], // migration.c:postcopy_start (without pause-before-switchover)
  ['cancelling', 'failed'], // migration.c:bg_migration_completion (file error while cancelling)
  ['postcopy-active', 'postcopy-paused'], // migration.c:postcopy_pause
  ['postcopy-recover', 'postcopy-paused'], // migration.c:postcopy_pause
  ['postcopy-recover', 'postcopy-active'], // migration.c:migrate_handle_rp_resume_ack
  // migration.c:migrate_fd_cancel: the running states of 7.2 migration_is_running() and cancelling, not colo
  ['setup', 'cancelling'],
  ['active', 'cancelling'],
  ['postcopy-active', 'cancelling'],
  ['postcopy-paused', 'cancelling'],
  ['postcopy-recover', 'cancelling'],
  ['pre-switchover', 'cancelling'],
  ['device', 'cancelling'],
  ['wait-unplug', 'cancelling'],
  ['cancelling', 'cancelling'],
  ['cancelling', 'cancelled'], // migration.c:migrate_fd_cleanup
  ['colo', 'completed'], // colo.c:primary_vm_do_failover
  ['setup', 'completed'], // savevm.c:qemu_savevm_state
  // migrate_init's plain store to none, then none -> setup, as seen on QMP (see the 11.0 table)
  ['completed', 'setup'],
  ['failed', 'setup'],
  ['cancelled', 'setup'],
];

const TABLES = { 'qemu-7.2': SOURCE_7_2, 'qemu-11.0': SOURCE_11_0 } as const;
const ENUMS = { 'qemu-7.2': QAPI_7_2, 'qemu-11.0': QAPI_11_0 } as const;

describe('migration-source: (from, to) pairs per profile equal the hand-written table', () => {
  for (const profile of Object.values(PROFILES)) {
    it(`${profile.name}: machineGraph pairs == reference table`, () => {
      const graph = machineGraph(createMigrationSourceMachine(profile));
      const actual = pairStrings(graph.transitions.map((t) => [t.from, t.to] as const));
      const expected = pairStrings(TABLES[profile.name]);
      const { added, missing } = diffPairs(actual, expected);
      if (added.length || missing.length) {
        console.log(
          `migration-source ${profile.name}: machine has but table lacks: ${JSON.stringify(added)}; ` +
            `table has but machine lacks: ${JSON.stringify(missing)}`,
        );
      }
      expect({ added, missing }).toEqual({ added: [], missing: [] });
    });

    it(`${profile.name}: the profile's statuses are the QAPI enum, and the source can be in each`, () => {
      expect([...profile.statuses]).toEqual([...ENUMS[profile.name]]);
      const graph = machineGraph(createMigrationSourceMachine(profile));
      expect([...graph.states].sort()).toEqual([...ENUMS[profile.name]].sort());
    });
  }

  it('the colo hand-off is guarded by x-colo in both profiles, and leaves colo only by failover or cancel', () => {
    for (const profile of Object.values(PROFILES)) {
      const edges = machineGraph(createMigrationSourceMachine(profile)).transitions;
      const intoColo = edges.filter((t) => t.to === 'colo');
      expect(intoColo.length).toBe(1);
      expect(intoColo[0]!.guard).toBe('x-colo');
      expect(intoColo[0]!.from).toBe(profile.name === 'qemu-7.2' ? 'active' : 'device');
      const outOfColo = edges.filter((t) => t.from === 'colo').map((t) => `${t.event}:${t.to}`);
      // reference §2a: no transition out of colo except failover -> completed and (11.0) migrate_cancel
      const expectedOut =
        profile.name === 'qemu-7.2'
          ? ['failover:completed']
          : ['failover:completed', 'migrate_cancel:cancelling'];
      expect(outOfColo.sort()).toEqual(expectedOut.sort());
    }
  });
});
