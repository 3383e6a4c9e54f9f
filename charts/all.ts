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
 * Every chart as files: Mermaid (`.mmd`) and SVG for each machine and profile, then a `README.md`
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
    ...profiles.map((p) => `- \`${p}\`: ${PROFILES[p].description}`),
  ];
  for (const machine of MACHINE_NAMES) {
    readme.push('', `## ${machine}`, '', MACHINES[machine].summary);
    for (const profile of profiles) {
      const base = chartBaseName(machine, profile);
      const mermaid = await renderChart(machine, { profile, format: 'mermaid' });
      files.push({ path: `${base}.mmd`, content: mermaid });
      files.push({ path: `${base}.svg`, content: await renderChart(machine, { profile, format: 'svg' }) });
      readme.push(
        '',
        `### ${machine} (${profile})`,
        '',
        `[SVG](${base}.svg) · [Mermaid source](${base}.mmd)`,
      );
      readme.push('', '```mermaid', mermaid.trimEnd(), '```');
    }
  }
  files.push({ path: 'README.md', content: `${readme.join('\n')}\n` });
  return files;
}
