import type { MachineName, ProfileName } from '../machines/index.js';
import { MACHINE_NAMES, PROFILE_NAMES } from '../machines/index.js';
import { loadChart } from './model.js';

/** One row of the summary: how big a machine is under a profile. @public */
export interface ChartSummaryRow {
  readonly machine: MachineName;
  readonly profile: ProfileName;
  readonly states: number;
  readonly transitions: number;
}

/** Counts states and transitions of every machine under each of `profiles` (default: all). @public */
export function chartSummary(profiles: readonly ProfileName[] = PROFILE_NAMES): ChartSummaryRow[] {
  return MACHINE_NAMES.flatMap((machine) =>
    profiles.map((profile) => {
      const { document } = loadChart(machine, { profile });
      return { machine, profile, states: document.states.length, transitions: document.transitions.length };
    }),
  );
}

/** The summary as an aligned plain-text table, for terminals and CI logs. @public */
export function formatSummaryTable(rows: readonly ChartSummaryRow[]): string {
  const header = ['machine', 'profile', 'states', 'transitions'];
  const cells = rows.map((r) => [r.machine, r.profile, String(r.states), String(r.transitions)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  // Numbers are right-aligned so that their digits line up.
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...cells.map(line)].join('\n')}\n`;
}
