import type { MachineName, ProfileName } from '../machines/index.js';
import { MACHINE_NAMES, MACHINES, PROFILE_NAMES, PROFILES } from '../machines/index.js';
import { renderChart } from './render.js';

/** A file `lockstep chart all` writes: a path relative to the output directory, and its content. @public */
export interface ChartFile {
  readonly path: string;
  readonly content: string;
}

/** The base name of a machine's chart files: `migration-source.qemu-11.0`. @public */
export const chartBaseName = (machine: MachineName, profile: ProfileName): string => `${machine}.${profile}`;

/**
 * Every chart as files: Mermaid (`.mmd`), the SVG overview (`.svg`) and every transition (`.full.svg`)
 * for each machine and profile, then a `README.md`
 * that embeds the Mermaid so GitHub draws the charts in place and links the SVGs. Ordered by machine,
 * then profile, so the same machines always give the same files.
 * @public
 */
export async function renderAllCharts(
  profiles: readonly ProfileName[] = PROFILE_NAMES,
): Promise<ChartFile[]> {
  const files: ChartFile[] = [];
  const readme = [
    '# State charts',
    '',
    'Generated from `machines/` by `npm run charts` (`lockstep chart all --out docs/charts`); do not edit.',
    'A test fails when these files no longer match the machines. The JSON form is described in',
    '[../chart-format.md](../chart-format.md).',
    '',
    'Each chart is drawn twice. The **overview** (`NAME.svg`, and the Mermaid below) draws an edge that',
    'several states take alike (same event, guard and target: `migrate_cancel` → cancelling, the error',
    'exits, `channel-error` → out) once, from a dashed box around those states; the box is found from the',
    "machine's transitions, never from a list kept by hand. Edges between the same two states share one",
    'label, and the happy path (the states the bring-up script takes the machine through) is drawn',
    'straight and bold. The **full view** (`NAME.full.svg`) draws every transition as an edge of its own.',
    '`lockstep view` shows the overview and, on a click, the full view with zoom and pan; see',
    '[screenshots/](screenshots/README.md) for both and for a live run followed on the charts.',
    '',
    ...profiles.map((p) => `- \`${p}\`: ${PROFILES[p].description}`),
  ];
  for (const machine of MACHINE_NAMES) {
    readme.push('', `## ${machine}`, '', MACHINES[machine].summary);
    for (const profile of profiles) {
      const base = chartBaseName(machine, profile);
      const mermaid = await renderChart(machine, { profile, format: 'mermaid' });
      files.push({ path: `${base}.mmd`, content: mermaid });
      files.push({ path: `${base}.svg`, content: await renderChart(machine, { profile, format: 'svg' }) });
      const full = await renderChart(machine, { profile, format: 'svg', view: 'full' });
      files.push({ path: `${base}.full.svg`, content: full });
      readme.push(
        '',
        `### ${machine} (${profile})`,
        '',
        `[SVG overview](${base}.svg) · [SVG, every transition](${base}.full.svg) · [Mermaid source](${base}.mmd)`,
      );
      readme.push('', '```mermaid', mermaid.trimEnd(), '```');
    }
  }
  files.push({ path: 'README.md', content: `${readme.join('\n')}\n` });
  return files;
}
