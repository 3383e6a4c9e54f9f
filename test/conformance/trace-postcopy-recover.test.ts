import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { checkTrace, splitLog } from '../../conformance/trace/index.js';
import { announcesSetupInPlace, createMigrationIncomingMachine } from '../../machines/migration-incoming.js';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

/**
 * A real QEMU 7.2.22 postcopy recovery (recorded): postcopy-ram on both sides, migrate-start-postcopy,
 * `exec-oob migrate-pause` on the source, `exec-oob migrate-recover` on the destination, `migrate` with
 * `resume: true`. 7.2's migrate-recover emits MIGRATION setup while the destination stays postcopy-paused
 * (migration.c:qmp_migrate_recover -> qemu_start_incoming_migration).
 */
const INCOMING = 'postcopy-recover-7.2-incoming.jsonl';

describe('trace check: a QEMU 7.2 postcopy recovery', () => {
  it('the destination conforms to qemu-7.2: setup announced in postcopy-paused, then recover, active, completed', () => {
    const report = checkTrace(fixture(INCOMING), { side: 'incoming', profile: QEMU_7_2 });
    expect(report.violations).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.verdict).toBe('conforms');
    const steps = report.statuses.map((step) => `${step.from}->${step.to}`);
    expect(steps).toEqual([
      'none->setup',
      'none->active',
      'active->postcopy-active',
      'postcopy-active->postcopy-paused',
      'postcopy-paused->setup',
      'postcopy-paused->postcopy-recover',
      'postcopy-recover->postcopy-active',
      'postcopy-active->completed',
    ]);
    expect(report.statuses[4]!.note).toMatch(/stays postcopy-paused/);
  });

  it('the source conforms to qemu-7.2: postcopy-paused -> postcopy-recover without recover-setup', () => {
    const report = checkTrace(fixture('postcopy-recover-7.2-source.jsonl'), {
      side: 'source',
      profile: QEMU_7_2,
    });
    expect(report.violations).toEqual([]);
    expect(report.statuses.map((step) => step.to)).toEqual([
      'setup',
      'active',
      'postcopy-active',
      'postcopy-paused',
      'postcopy-recover',
      'postcopy-active',
      'completed',
    ]);
  });

  it('the machine says so, once: migrate-recover in postcopy-paused announces setup and keeps the status (7.2 only)', () => {
    const machine = createMigrationIncomingMachine(QEMU_7_2);
    const paused = machine.resolveState({
      value: 'postcopy-paused',
      context: initialTransition(machine)[0].context,
    });
    const [after, actions] = transition(machine, paused, { type: 'migrate-recover' });
    expect(after.value).toBe('postcopy-paused');
    expect(actions.map((action) => action.type)).toContain('announce-setup');
    expect(announcesSetupInPlace(QEMU_7_2, 'postcopy-paused', 'setup')).toBe(true);
    expect(announcesSetupInPlace(QEMU_11_0, 'postcopy-paused', 'setup')).toBe(false);
    // only from the statuses whose command calls qemu_start_incoming_migration
    expect(announcesSetupInPlace(QEMU_7_2, 'active', 'setup')).toBe(false);
  });

  it('a setup anywhere else still violates; under qemu-11.0 the 7.2 log violates', () => {
    // the same log with the destination's announcement moved after postcopy-active
    const lines = splitLog(fixture(INCOMING));
    const setup = lines.findLastIndex((line) => line.includes('"status": "setup"'));
    const moved = [...lines.slice(0, setup), ...lines.slice(setup + 1)];
    const resumed = moved.findLastIndex((line) => line.includes('"status": "postcopy-active"'));
    moved.splice(resumed + 1, 0, lines[setup]!);
    const edited = checkTrace(moved, { side: 'incoming', profile: QEMU_7_2 });
    expect(edited.violations.map((v) => `${v.from}->${v.to}`)).toContain('postcopy-active->setup');

    const current = checkTrace(fixture(INCOMING), { side: 'incoming', profile: QEMU_11_0 });
    expect(current.verdict).toBe('violates');
  });
});
