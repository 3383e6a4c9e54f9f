import { basename, dirname, join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { tablesLine } from '../../model/promela/export.js';
import {
  BOUNDED_CAVEAT,
  exportPromela,
  PROMELA_PROPERTIES,
  type PromelaTables,
  promelaPropertyNumber,
} from '../../model/promela/index.js';
import { type CrossCheck, crossCheckExport, spinAvailable } from '../../model/spin/index.js';
import { EXIT_FAILURE, parseChoice, UsageError } from '../errors.js';
import { type CliIo, checkOutputFile, checkTraceOut, writeOutputFile } from '../io.js';
import { closurePrinter } from './check-progress.js';
import {
  runExportSwarm,
  type SwarmFlags,
  swarmLines,
  swarmOptions,
  writeSwarmTraces,
} from './export-swarm.js';
import { integer, type ModelFlags, modelOptions, withModelOptions } from './model-options.js';

interface ExportFlags extends ModelFlags, SwarmFlags {
  readonly out?: string;
  readonly spin?: true;
  readonly json?: true;
  readonly tables?: string;
  readonly progress?: true;
  readonly boundStates?: string;
  readonly boundWalks?: string;
  readonly traceOut?: string;
}

const FORMATS = ['promela'] as const;
const TABLES: readonly PromelaTables[] = ['search', 'closure', 'bounded'];

/** Writes the Promela model and its tables; with --spin, runs Spin on it and compares. */
async function runExport(io: CliIo, format: string, flags: ExportFlags, setExit: (code: number) => void) {
  parseChoice('format', format, FORMATS);
  const options = modelOptions(flags);
  const file = flags.out ?? 'colo.pml';
  if (!file.endsWith('.pml')) throw new UsageError(`--out must name a .pml file, got "${file}"`);
  const tablesFile = `${basename(file, '.pml')}-tables.h`;
  if (!/^[\w.-]+$/.test(tablesFile))
    throw new UsageError(
      `--out: the file name may use letters, digits, '.', '-' and '_' only, got "${basename(file)}"`,
    );
  checkOutputFile('--out', file);
  if (flags.spin && flags.swarm !== undefined)
    throw new UsageError('--spin (exhaustive, compared) and --swarm (bitstate) are separate runs: give one');
  if (
    flags.swarm === undefined &&
    (flags.bits ?? flags.hashes ?? flags.parallel ?? flags.depth ?? flags.minutes ?? flags.hashCompact) !==
      undefined
  )
    throw new UsageError(
      '--bits, --hashes, --hash-compact, --depth, --parallel and --minutes go with --swarm <jobs>',
    );
  if (flags.swarm === undefined && flags.traceOut !== undefined)
    throw new UsageError("--trace-out goes with --swarm <jobs> (it saves Spin's counterexamples)");
  if (flags.traceOut !== undefined) checkTraceOut(flags.traceOut);
  const compile = parseChoice('tables', flags.tables ?? 'search', TABLES);
  if (compile !== 'bounded' && (flags.boundStates ?? flags.boundWalks) !== undefined)
    throw new UsageError('--bound-states and --bound-walks go with --tables bounded');
  if (compile === 'bounded' && flags.spin)
    throw new UsageError(
      "--spin compares Spin's exhaustive count with lockstep's; over --tables bounded Spin sees an under-approximation: use --swarm",
    );
  const bound = {
    states: integer('bound-states', flags.boundStates, 1_000_000, 1, 1_000_000_000),
    walks: integer('bound-walks', flags.boundWalks, 2_000, 0, 10_000_000),
  };
  const swarm = flags.swarm === undefined ? null : swarmOptions(flags);
  if (flags.progress && compile !== 'closure')
    throw new UsageError('--progress reports the closure: it goes with --tables closure');
  const progress =
    compile === 'closure' && (flags.progress || (io.isTTY && !flags.json)) ? closurePrinter(io) : null;
  const model = exportPromela(options, tablesFile, compile, bound, progress?.onProgress);
  progress?.done();
  await writeOutputFile('--out', file, model.text);
  await writeOutputFile('--out', join(dirname(file), tablesFile), model.tables);
  await writeOutputFile('--out', join(dirname(file), model.tablesDataFile), model.tablesData);
  const properties = PROMELA_PROPERTIES.map((name) => ({ name, prop: promelaPropertyNumber(name) }));
  const summary = {
    file,
    tables: join(dirname(file), tablesFile),
    tablesData: join(dirname(file), model.tablesDataFile),
    tablesBy: compile,
    states: model.report?.states ?? null,
    transitions: model.report?.transitions ?? null,
    ...(model.closure ? { closure: model.closure } : {}),
    ...(model.bounded ? { bounded: model.bounded, caveat: BOUNDED_CAVEAT } : {}),
    entries: model.entries,
    properties,
  };
  let spin: CrossCheck | null = null;
  if (flags.spin) {
    if (!(await spinAvailable()))
      throw new Error('--spin needs spin and gcc on the PATH (Debian: apt-get install spin gcc)');
    spin = await crossCheckExport(options, model); // the very text and tables just written
    if (!spin.agree) setExit(EXIT_FAILURE);
  }
  const swarmReport = swarm ? await runExportSwarm(model, swarm, setExit) : null;
  const traces =
    swarmReport && flags.traceOut !== undefined
      ? await writeSwarmTraces(flags.traceOut, model.options, swarmReport)
      : [];
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({ ...summary, ...(spin ? { spin } : {}), ...(swarmReport ? { swarm: swarmReport, traces } : {}) })}\n`,
    );
    return;
  }
  const lines = [
    `wrote ${file}, ${summary.tables} and ${summary.tablesData} (${model.tablesData.length} bytes): ${model.entries.primary} primary and ${model.entries.secondary} secondary node states`,
    tablesLine(model, true),
    `run (gcc's .incbin reads the tables binary from the working directory): cd '${dirname(file)}' && spin -a ${basename(file)} && gcc -O2 -DSAFETY -o pan pan.c && LOCKSTEP_PROP=n ./pan -m1000000`,
    `  n: 0 (count states), ${properties.map((p) => `${p.prop} ${p.name}`).join(', ')}`,
  ];
  if (spin) {
    const violated = (list: readonly string[]) => (list.length > 0 ? list.join(', ') : 'none');
    lines.push(
      `spin: ${spin.spin.states} states (lockstep ${spin.lockstep.states}); violated: ${violated(spin.spin.violated)} (lockstep: ${violated(spin.lockstep.violated)})`,
      ...spin.problems.map((p) => `problem: ${p}`),
      spin.agree ? 'spin and lockstep agree' : 'spin and lockstep DISAGREE',
    );
  }
  if (swarmReport) lines.push(...swarmLines(swarmReport));
  if (traces.length > 0) lines.push(`traces (lockstep replay reads them): ${traces.join(', ')}`);
  io.stdout(`${lines.join('\n')}\n`);
}

/** Adds `lockstep export promela` to the program. @public */
export function registerExportCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withModelOptions(
    program
      .command('export')
      .description(
        'write the composed system for another checker: promela (Spin), from the compiled machines',
      )
      .argument('<format>', `one of: ${FORMATS.join(', ')}`),
  )
    .option('--out <file.pml>', 'where to write the model (default colo.pml; the tables go beside it)')
    .option(
      '--spin',
      'also run Spin on it and compare states and verdicts with lockstep (exit 1 if they differ)',
    )
    .option(
      '--swarm <jobs>',
      'run pan in bitstate mode, <jobs> diversified runs per property (incomplete: exit 1 on a violation, else 3)',
    )
    .option(
      '--bits <w>',
      'with --swarm: pan -w, log2 of the bitstate array in bits (with --hash-compact: of the hash table slots) (default 24)',
    )
    .option('--hashes <k>', 'with --swarm: bits set per state, pan -k (default 3)')
    .option(
      '--hash-compact',
      'with --swarm: hash-compact runs (pan -DHC4: a 96-bit signature per state in a table of 2^W slots) instead of bitstate',
    )
    .option('--depth <n>', "with --swarm: pan's depth limit, pan -m (default 1000000)")
    .option('--parallel <n>', 'with --swarm: pan processes at once (default 2)')
    .option('--minutes <m>', 'with --swarm: time limit per pan run in minutes, pan -Q (default none)')
    .option(
      '--tables <how>',
      "how the node tables are compiled: search (lockstep's complete BFS, default), closure (each node closed under what the composition can feed it; no composed search) or bounded (a BFS cut at --bound-states plus --bound-walks random walks: an under-approximation, Spin's paths end at a transition it lacks)",
    )
    .option(
      '--progress',
      "with --tables closure: print the closure's node states, closure states and memory every 2 s on stderr (default: only when stderr is a terminal)",
    )
    .option('--bound-states <n>', 'with --tables bounded: states of the BFS (default 1000000)')
    .option('--bound-walks <n>', 'with --tables bounded: random walks after it (default 2000)')
    .option(
      '--trace-out <dir>',
      "with --swarm: save each property's shortest Spin counterexample as DIR/PROPERTY.json (replayed on the model first)",
    )
    .option('--json', 'print one JSON object')
    .action(async (format: string, flags: ExportFlags) => runExport(io, format, flags, setExit));
}
