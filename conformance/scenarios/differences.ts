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
  // none at present: the four lockstep bugs the first run found are fixed (docs/conformance.md)
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
    kind: 'qemu-7.2',
    note: "waiting-for-operator on the secondary under 7.2: QEMU 7.2 accepts x-colo with multifd and reaches colo, but its secondary fails the first checkpoint (COLO_EXIT secondary/error; COLO over multifd came only with the 2026 multifd-colo series). lockstep's qemu-7.2 profile (coloMultifd: false) fails it the same way; its qemu-11.0 profile checkpoints over multifd.",
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
