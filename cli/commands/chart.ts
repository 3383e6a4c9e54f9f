import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { renderAllCharts } from '../../charts/all.js';
import { CHART_VIEWS } from '../../charts/dot.js';
import type { ChartFormat } from '../../charts/render.js';
import { CHART_FORMATS, renderChart } from '../../charts/render.js';
import { chartSummary, formatSummaryTable } from '../../charts/summary.js';
import type { ProfileName } from '../../machines/index.js';
import { MACHINE_NAMES, MACHINES, PROFILE_NAMES, PROFILES } from '../../machines/index.js';
import { parseChoice, UsageError } from '../errors.js';
import { type CliIo, checkOutputDir, writeOutputFile } from '../io.js';

/** The options `lockstep chart` accepts, as commander parses them. */
interface ChartFlags {
  readonly profile?: string;
  readonly format?: string;
  readonly view?: string;
  readonly out?: string;
  readonly list?: true;
  readonly summary?: true;
  readonly json?: true;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** `lockstep chart --list`: every machine with its one-line summary, and the profiles and formats. */
function list(io: CliIo, asJson: boolean): void {
  const machines = MACHINE_NAMES.map((name) => ({ name, summary: MACHINES[name].summary }));
  const profiles = PROFILE_NAMES.map((name) => ({ name, description: PROFILES[name].description }));
  if (asJson) {
    io.stdout(json({ machines, profiles, formats: CHART_FORMATS }));
    return;
  }
  const width = Math.max(...MACHINE_NAMES.map((name) => name.length));
  io.stdout(machines.map((m) => `${m.name.padEnd(width)}  ${m.summary}\n`).join(''));
}

/** `lockstep chart all --out DIR`: every chart as files, then the summary so a run shows what it drew. */
async function all(io: CliIo, flags: ChartFlags, profiles: readonly ProfileName[]): Promise<void> {
  if (flags.out === undefined)
    throw new UsageError('chart all needs --out DIR, e.g. lockstep chart all --out docs/charts');
  if (flags.format !== undefined || flags.view !== undefined)
    throw new UsageError('chart all always writes mermaid and both svg views; drop --format and --view');
  checkOutputDir('--out', flags.out);
  const files = await renderAllCharts(profiles);
  for (const file of files) await writeOutputFile('--out', join(flags.out, file.path), file.content);
  const rows = chartSummary(profiles);
  if (flags.json) return io.stdout(json({ out: flags.out, files: files.map((f) => f.path), summary: rows }));
  io.stdout(`wrote ${files.length} files to ${flags.out}\n\n${formatSummaryTable(rows)}`);
}

/** Adds `lockstep chart` to the program. @public */
export function registerChartCommand(program: Command, io: CliIo): void {
  program
    .command('chart')
    .description('draw a machine as Mermaid, DOT, SVG or JSON (or every machine with "all")')
    .argument('[machine]', `a machine (${MACHINE_NAMES.join(', ')}) or "all"`)
    .option(
      '--profile <profile>',
      `QEMU version: ${PROFILE_NAMES.join(', ')} (default: every profile for "all", else qemu-11.0)`,
    )
    .option('--format <format>', `output format: ${CHART_FORMATS.join(', ')} (default: mermaid)`)
    .option(
      '--view <view>',
      `dot and svg: ${CHART_VIEWS.join(' or ')} (overview: shared exits drawn once from a group; full: every transition)`,
    )
    .option('--out <path>', 'write to this file (for "all": this directory) instead of stdout')
    .option('--list', 'list the machines with a one-line summary each')
    .option('--summary', 'print how many states and transitions each machine has')
    .option('--json', 'print machine-readable JSON (one object)')
    .action(async (machine, flags: ChartFlags) => {
      const profile =
        flags.profile === undefined ? undefined : parseChoice('profile', flags.profile, PROFILE_NAMES);
      const profiles = profile === undefined ? PROFILE_NAMES : [profile];
      if (flags.list) return list(io, flags.json === true);
      if (flags.summary) {
        const rows = chartSummary(profiles);
        return io.stdout(flags.json ? json({ summary: rows }) : formatSummaryTable(rows));
      }
      if (machine === undefined) {
        throw new UsageError(
          `chart needs a machine, "all", --list or --summary; machines: ${MACHINE_NAMES.join(', ')}`,
        );
      }
      if (machine === 'all') return all(io, flags, profiles);
      const name = parseChoice('machine', machine, MACHINE_NAMES);
      let format: ChartFormat =
        flags.format === undefined ? 'mermaid' : parseChoice('format', flags.format, CHART_FORMATS);
      if (flags.json) {
        if (flags.format !== undefined && format !== 'json')
          throw new UsageError(`--json conflicts with --format ${format}; use one`);
        format = 'json';
      }
      const view = flags.view === undefined ? undefined : parseChoice('view', flags.view, CHART_VIEWS);
      if (view !== undefined && format !== 'dot' && format !== 'svg')
        throw new UsageError(`--view applies to --format dot or svg, not ${format}`);
      const text = await renderChart(name, {
        format,
        ...(profile === undefined ? {} : { profile }),
        ...(view === undefined ? {} : { view }),
      });
      if (flags.out === undefined) return io.stdout(text);
      await writeOutputFile('--out', flags.out, text);
      io.stdout(`wrote ${flags.out}\n`);
    });
}
