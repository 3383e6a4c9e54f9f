/**
 * Where QEMU 7.2 and lockstep differ on the same scenario, and why. Every difference between QEMU and
 * lockstep under the qemu-7.2 profile must be explained here, either as a lockstep bug or as a QEMU 7.2
 * behaviour; docs/conformance.md carries the same table.
 * @packageDocumentation
 */
import type { ScenarioResult } from './driver.js';
import type { ImplName, Role } from './types.js';

/** Why a scenario's status sequences differ. @public */
export interface DifferenceNote {
  readonly kind: 'lockstep-bug' | 'qemu-7.2';
  readonly note: string;
}

/** The explained differences between QEMU 7.2 and lockstep (profile qemu-7.2), by scenario. @public */
export const EXPLAINED_DIFFERENCES: Readonly<Record<string, DifferenceNote>> = {
  'pause-before-switchover': {
    kind: 'lockstep-bug',
    note: 'lockstep under qemu-7.2 ignores the pause-before-switchover capability: the source goes active -> completed without pre-switchover, so migrate-continue fails ("Migration not in expected state: completed"); QEMU 7.2 pauses in pre-switchover, then device, completed. Under qemu-11.0 lockstep pauses, but after migrate-continue the source stays in device and never completes.',
  },
  'cancel-active': {
    kind: 'lockstep-bug',
    note: 'lockstep records migrate-set-parameters max-bandwidth but does not throttle: 32M of guest RAM is sent before migrate_cancel arrives, so the migration completes; QEMU 7.2 at 4 KiB/s is still active and goes cancelling -> cancelled (the destination: failed).',
  },
  'target-killed': {
    kind: 'lockstep-bug',
    note: 'the same missing throttle: lockstep completes the precopy before the destination is killed; QEMU 7.2 is still active and goes to failed when its peer disappears.',
  },
};

/**
 * Scenarios where the status sequences agree but QEMU 7.2's logs carry a finding lockstep's do not.
 * @public
 */
export const EXPLAINED_FINDINGS: Readonly<Record<string, DifferenceNote>> = {
  'colo-checkpoints': {
    kind: 'qemu-7.2',
    note: "wedged on QEMU's primary: under TCG, QEMU 7.2's primary stops for its first checkpoint and never resumes (STOP with no RESUME); in-band commands get no reply while exec-oob still answers. The secondary loaded the checkpoint and runs. This is the known TCG bug before 11.0; lockstep's qemu-7.2 profile does not model it, so lockstep keeps checkpointing.",
  },
  'colo-multifd': {
    kind: 'lockstep-bug',
    note: "waiting-for-operator on QEMU's secondary: QEMU 7.2 accepts x-colo with multifd and reaches colo, but its secondary fails the first checkpoint (COLO_EXIT secondary/error; COLO over multifd came only with the 2026 multifd-colo series). lockstep under qemu-7.2 keeps checkpointing over multifd: its qemu-7.2 profile should refuse or fail this combination as 7.2 does.",
  },
};

/** One row of the differences table. @public */
export interface DifferenceRow {
  readonly scenario: string;
  readonly side: Role;
  readonly sequences: Readonly<Partial<Record<ImplName, string>>>;
  /** Whether QEMU and lockstep under qemu-7.2 differ on this side. */
  readonly differs: boolean;
}

const seq = (r: ScenarioResult | undefined, side: Role): string =>
  r === undefined ? '(not run)' : r.statuses[side].length === 0 ? '(none)' : r.statuses[side].join(' → ');

/** The status sequence per side and implementation, scenario by scenario. @public */
export function differenceRows(results: readonly ScenarioResult[]): DifferenceRow[] {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const rows: DifferenceRow[] = [];
  for (const scenario of scenarios) {
    const of = (impl: ImplName) => results.find((r) => r.scenario === scenario && r.impl === impl);
    for (const side of ['primary', 'secondary'] as const) {
      const sequences = {
        qemu: seq(of('qemu'), side),
        'lockstep-7.2': seq(of('lockstep-7.2'), side),
        'lockstep-11.0': seq(of('lockstep-11.0'), side),
      };
      rows.push({ scenario, side, sequences, differs: sequences.qemu !== sequences['lockstep-7.2'] });
    }
  }
  return rows;
}

/** Scenarios where QEMU and lockstep (qemu-7.2) differ on some side. @public */
export function differingScenarios(results: readonly ScenarioResult[]): string[] {
  return [
    ...new Set(
      differenceRows(results)
        .filter((r) => r.differs)
        .map((r) => r.scenario),
    ),
  ];
}

/** The table as Markdown (test-artifacts/scenarios/differences.md). @public */
export function differencesMarkdown(results: readonly ScenarioResult[]): string {
  const lines = [
    '# QEMU 7.2 and lockstep on the same scenarios',
    '',
    'MIGRATION status sequence per side. "differs" compares QEMU with lockstep under the qemu-7.2 profile.',
    '',
    '| scenario | side | QEMU 7.2 | lockstep (qemu-7.2) | lockstep (qemu-11.0) | differs |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of differenceRows(results)) {
    const s = row.sequences;
    lines.push(
      `| ${row.scenario} | ${row.side} | ${s.qemu} | ${s['lockstep-7.2']} | ${s['lockstep-11.0']} | ${row.differs ? '**yes**' : 'no'} |`,
    );
  }
  lines.push('', '## Why they differ', '');
  for (const scenario of differingScenarios(results)) {
    const note = EXPLAINED_DIFFERENCES[scenario];
    lines.push(
      `- **${scenario}** (${note?.kind ?? 'UNEXPLAINED'}): ${note?.note ?? 'no explanation recorded'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
