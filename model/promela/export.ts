import { COLO_MESSAGES, type NodeInput } from '../../machines/index.js';
import {
  type ClosureProgress,
  type ColoAction,
  type ColoModel,
  type ColoModelOptions,
  type ColoState,
  closeTables,
  createColoModel,
  type TableClosure,
} from '../colo/index.js';
import { checker } from '../engine/index.js';
import type { Report } from '../engine/types.js';
import { itemCode, messageName } from './codes.js';
import {
  applyInline,
  bookInline,
  declarations,
  factsInline,
  type GlueInput,
  PROMELA_PROPERTIES,
  type PromelaProperty,
  peerInput,
  QUEUE,
  queueInlines,
} from './glue.js';
import { loopOptions } from './options.js';
import { type TablesArray, tablesBinary, tablesHeader } from './tables.js';

/** What `lockstep export promela` produces. @public */
export interface PromelaExport {
  /** The Promela text; `spin -DPROP=n` turns on the assertion of property n (see {@link promelaPropertyNumber}). */
  readonly text: string;
  /**
   * The C header the Promela text includes (`c_decl`) by the name `tablesFile`: small, it names the
   * arrays of `tablesData` (`#define S_NEXT ((const int *)(lockstep_tables + offset))`) and pulls that
   * binary into pan with the assembler's `.incbin`. (Spin's parser limits the length of embedded C,
   * hence a file of its own.)
   */
  readonly tables: string;
  /** The header's file name, as the Promela text includes it. */
  readonly tablesFile: string;
  /**
   * The compiled tables, one little-endian binary (each array at a multiple of 8 bytes, see
   * `tablesLayout`), which the header includes by the name `tablesDataFile`. `.incbin` resolves that
   * name against the assembler's working directory: keep the three files in one directory and run
   * `spin -a` and gcc there.
   */
  readonly tablesData: Uint8Array;
  /** The binary's file name: `tablesFile` with `.bin` for its `.h` (`colo-tables.h`: `colo-tables.bin`). */
  readonly tablesDataFile: string;
  /** Where each array lies in `tablesData`, in order (the header's `#define`s say the same). */
  readonly tablesLayout: readonly TablesArray[];
  /**
   * The search that compiled the tables (its distinct states are what Spin must find too), or null
   * when the tables were compiled by closure ({@link PromelaTables}).
   */
  readonly report: Report<ColoState, ColoAction> | null;
  /** The closure that compiled the tables, when they were compiled so. */
  readonly closure: TableClosure | null;
  /**
   * The bounded searches that compiled the tables, when they were compiled so (`bounded`): the tables
   * then under-approximate, and the Promela model cuts a path at a transition they lack.
   */
  readonly bounded: BoundedTables | null;
  /** The options, for the trace files a Spin trail becomes. */
  readonly options: ColoModelOptions;
  /**
   * The ColoModel action of each option of the main loop, by its number: replaying a trail with
   * `pan -r` prints `LOCKSTEP_STEP k` for each step, so a Spin counterexample becomes lockstep steps.
   */
  readonly actions: readonly ColoAction[];
  /** Node states in the primary's and the secondary's table. */
  readonly entries: { readonly primary: number; readonly secondary: number };
}

/**
 * How the export's node tables are compiled: `search`, by lockstep's own complete BFS of the
 * configuration (the tables hold exactly what is reachable; it must complete); `closure`, each node's
 * table closed under every input the composition could feed it (model/colo/closure.ts: a superset, and
 * memory for node states only, so it reaches configurations the search cannot).
 * @public
 */
export type PromelaTables = 'search' | 'closure' | 'bounded';

/**
 * How far the searches behind `bounded` tables go: a BFS of the composed system cut at `states`
 * states (every interleaving near the start, where the faults fire), then `walks` random walks of up
 * to `depth` steps (the deep part of the protocol, every transition out of each state a walk visits).
 * @public
 */
export interface TableBound {
  /** States of the BFS (default 10^6). */
  readonly states?: number;
  /** Random walks after it (default 2,000). */
  readonly walks?: number;
  /** Longest walk (default 1,000 steps). */
  readonly depth?: number;
  /** The walks' seed (default 1): the same seed compiles the same tables. */
  readonly seed?: number;
}

/**
 * What compiled `bounded` tables: an under-approximation. Every step Spin takes over them is a step of
 * the model (a counterexample is real, and is replayed on the model), but Spin sees only the states
 * reachable through the compiled transitions: a verdict over them is not a proof, not full coverage.
 * @public
 */
export interface BoundedTables {
  /** The BFS: states, its deepest level, and whether it ended before its bound (then the tables are exact). */
  readonly bfs: { readonly states: number; readonly depth: number; readonly complete: boolean };
  /** The random walks: how many, their distinct states, the deepest. */
  readonly walks: { readonly runs: number; readonly states: number; readonly depth: number };
  readonly seconds: number;
}

/** Says what a verdict over `bounded` tables is worth, wherever one is printed. @public */
export const BOUNDED_CAVEAT = 'over tables from a bounded search: not a proof, not full coverage';

/** The bounded searches behind `bounded` tables (see {@link TableBound}). */
function boundTables(model: ColoModel, bound: TableBound): BoundedTables {
  const start = performance.now();
  const bfs = checker(model)
    .targetStateCount(bound.states ?? 1_000_000)
    .spawnBfs();
  const walks = bound.walks ?? 2_000;
  const sim = bfs.complete
    ? null
    : checker(model).spawnSimulation(bound.seed ?? 1, { runs: walks, maxDepth: bound.depth ?? 1_000 });
  return {
    bfs: { states: bfs.states, depth: bfs.maxDepth, complete: bfs.complete },
    walks: { runs: sim ? walks : 0, states: sim?.states ?? 0, depth: sim?.maxDepth ?? 0 },
    seconds: (performance.now() - start) / 1000,
  };
}

/** Printed by each step of the Promela model when pan replays a trail (`pan -r`); pan's search prints nothing. @public */
export const TRAIL_STEP = 'LOCKSTEP_STEP';

/** The `-DPROP=` number of a property (0 asserts nothing: a pure state count). @public */
export const promelaPropertyNumber = (property: PromelaProperty): number =>
  PROMELA_PROPERTIES.indexOf(property) + 1;

const service = (X: 'P' | 'S') => (X === 'P' ? '(!deadP && pRun)' : '(!deadS && sRun && sLeft)');

/** The safety properties of model/colo/properties.ts as assertions, one per PROP number. */
const ASSERTIONS: Readonly<Record<Exclude<PromelaProperty, 'deadlock'>, string>> = {
  'takeover-holds-complete-checkpoint': `flushes <= blobs && (!${service('S')} || sCk >= pCk)`,
  'output-commit': 'pCk <= sCk',
  'no-released-cache-access': '!cacheUaf',
  'no-closed-file-access': '!fileUaf',
  'split-brain': `!(${service('P')} && ${service('S')})`,
};

/**
 * Where an export's tables came from, as one line: the Promela text's header has it, and
 * `lockstep export promela` prints it with `timed` (the compile's seconds, which the file leaves out so
 * that one configuration always gives the same text).
 * @internal
 */
export function tablesLine(
  from: Pick<PromelaExport, 'report' | 'closure' | 'bounded'>,
  timed = false,
): string {
  const { report, closure, bounded } = from;
  if (report) return `lockstep's BFS: ${report.states} states, ${report.transitions} transitions`;
  if (closure)
    return `tables by closure (no composed search): ${closure.transitions} node transitions${timed ? ` in ${closure.seconds.toFixed(1)} s` : ''}, ${closure.rounds} rounds`;
  const b = bounded!;
  return `tables from a bounded search: BFS ${b.bfs.states} states to depth ${b.bfs.depth}${b.bfs.complete ? ' (complete: the tables are exact)' : ''}, ${b.walks.runs} random walks (${b.walks.states} states, depth ${b.walks.depth})${timed ? `, ${b.seconds.toFixed(1)} s` : ''}; ${BOUNDED_CAVEAT}`;
}

/** The binary beside a tables header: its `.h` becomes `.bin` (`.bin` is appended to any other name). */
const dataFileOf = (tablesFile: string): string => `${tablesFile.replace(/\.h$/, '')}.bin`;

const constName = (key: string): string => `IN_${key.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/**
 * The composed system as Promela, from the same compiled machines the checker steps through. The
 * tables are compiled by one BFS of the model (every (node state, input) pair that search meets), or
 * with `compile: 'closure'` by the node tables' closure, without the composed search; the
 * glue (links, faults, effects) is written out as Promela, one `atomic` step per action of ColoModel, so each
 * Spin state is one checker state. A transition Spin reaches that the search never compiled fails an
 * assertion: the two explorations cannot disagree silently.
 * @example
 * ```ts
 * const { text, tables, tablesFile, tablesData, tablesDataFile } = exportPromela({ multifd: 1 });
 * await writeFile('colo.pml', text);
 * await writeFile(tablesFile, tables); // colo-tables.h
 * await writeFile(tablesDataFile, tablesData); // colo-tables.bin, which the header pulls in (.incbin)
 * // in this directory: spin -a colo.pml && gcc -O2 -DSAFETY -o pan pan.c && LOCKSTEP_PROP=1 ./pan
 * ```
 * @public
 */
export function exportPromela(
  options: ColoModelOptions = {},
  tablesFile = 'colo-tables.h',
  compile: PromelaTables = 'search',
  bound: TableBound = {},
  onClosureProgress?: ClosureProgress,
): PromelaExport {
  const tablesDataFile = dataFileOf(tablesFile);
  for (const name of [tablesFile, tablesDataFile])
    if (!/^[\w.-]+$/.test(name))
      throw new Error(
        `promela export: the tables file name "${name}" must be letters, digits, '.', '-' or '_'`,
      );
  const model = createColoModel(options);
  const closure = compile === 'closure' ? closeTables(model, onClosureProgress) : null;
  const bounded = compile === 'bounded' ? boundTables(model, bound) : null;
  const report = closure || bounded ? null : checker(model).spawnBfs();
  const cut = bounded !== null;
  const [init] = model.initStates();
  const inputs = model.composition.inputs;
  const names = new Map<string, NodeInput>();
  const input = (value: NodeInput): string => {
    const name = constName(inputs.describe(value));
    if ((names.get(name) ?? value) !== value) throw new Error(`promela export: two inputs are named ${name}`);
    names.set(name, value);
    return name;
  };
  const glue: GlueInput = { model, init: init!, input };
  // the glue first: it registers every input it feeds, so the tables below have a column for each
  const options_ = loopOptions(glue, (side) => peerInput(glue, side));
  const inlines = [
    queueInlines(model.channels),
    factsInline('primary', model.channels),
    factsInline('secondary', model.channels),
    bookInline(glue, 'primary', 1),
    applyInline('primary', 1, cut),
    bookInline(glue, 'secondary', 1),
    applyInline('secondary', 1, cut),
    bookInline(glue, 'primary', 0),
    applyInline('primary', 0, cut),
    bookInline(glue, 'secondary', 0),
    applyInline('secondary', 0, cut),
  ];
  const { primary, secondary } = model.composition.tables;
  const binary = tablesBinary(
    [
      ['P', primary],
      ['S', secondary],
    ],
    inputs.all,
    model.channels,
  );
  const defines = [
    `#define NI ${inputs.all.length}`,
    `#define QM ${QUEUE.multifd}`,
    '#define CH_READ 1',
    '#define CH_WRITING 2',
    '#define PK_DATA 1',
    '#define PK_SYNC 2',
    ...COLO_MESSAGES.map((m) => `#define ${messageName(m)} ${itemCode(m)}`),
    `#define I_RAM ${itemCode('ram')}`,
    `#define I_DEVICE ${itemCode('device')}`,
    ...inputs.all.map((value, i) => `#define ${input(value)} ${i}`),
  ];
  const checks = PROMELA_PROPERTIES.filter((p) => p !== 'deadlock').map(
    (p) =>
      `  if :: c_expr { lockstep_prop == ${promelaPropertyNumber(p)} } -> assert(${ASSERTIONS[p as keyof typeof ASSERTIONS]}) /* ${p} */ :: else -> skip fi;`,
  );
  // over bounded tables a step that met an uncompiled transition set `cut`: that state ends its path
  const guard = (g: string) => (cut ? `!cut && (${g})` : g);
  const enabled = options_.map((o) => `(${o.guard})`).join(' || ');
  const choices = options_.map(
    (o, k) =>
      `    /* ${o.comment} */\n    :: ${guard(o.guard)} ->\n      printf("${TRAIL_STEP} ${k}\\n"); ${o.body}`,
  );
  const text = `/*
 * The composed COLO system, generated by \`lockstep export promela\` from the compiled machines.
 * Options: ${JSON.stringify(options)}
 * Tables: ${primary.entries.length} primary and ${secondary.entries.length} secondary node states, ${inputs.all.length} inputs.
 * ${tablesLine({ report, closure, bounded })}.
 * Run, in the directory of this file, ${tablesFile} and ${tablesDataFile} (.incbin reads the binary from there):
 *   spin -a this.pml && gcc -O2 -DSAFETY -o pan pan.c && LOCKSTEP_PROP=n ./pan -m1000000
 * The initial state is not asserted here (an assertion before the loop would add a state); lockstep
 * checks it, so a property false there would show as a disagreement.
 * (or spin -a -DPROP=n to build one property in)
 * PROP: 0 none (count states), ${PROMELA_PROPERTIES.map((p) => `${promelaPropertyNumber(p)} ${p}`).join(', ')}.
 */
${defines.join('\n')}

c_decl {
  \\#include "${tablesFile}"
  /* the property to assert: spin -DPROP=n, or LOCKSTEP_PROP=n in pan's environment (one build, every property) */
  static int lockstep_prop = 0;
  __attribute__((constructor)) static void lockstep_read_prop(void) {
#ifdef PROP
    lockstep_prop = PROP;
#else
    const char *e = getenv("LOCKSTEP_PROP");
    lockstep_prop = e ? atoi(e) : 0;
#endif
  }
}
${declarations(glue)}
${cut ? '/* a step met a transition the bounded tables lack: the path ends here (not a model state) */\nbit cut;\n' : ''}
${inlines.join('\n\n')}

inline check() {
${checks.join('\n')}
}

#define ENABLED (${enabled})
#define QUIESCENT ((deadP || pQuiet) && (deadS || sQuiet))

active proctype colo() {
end:
  do
  :: atomic {
    if
${choices.join('\n')}
    fi;
    if
    :: tSide == 1 -> applyP0()
    :: tSide == 2 -> applyS0()
    :: else -> skip
    fi;
    ${cut ? 'if :: !cut -> check() :: else -> skip fi' : 'check()'}
  }
  /* deadlock: nothing can move and a live side is not quiescent */
  :: atomic { ${cut ? '!cut && ' : ''}!ENABLED && !QUIESCENT ->
    if :: c_expr { lockstep_prop == ${promelaPropertyNumber('deadlock')} } -> assert(false) :: else -> skip fi }
  od
}
`;
  const title = `the compiled node tables of ${JSON.stringify(options)}, for the Promela model beside this file`;
  return {
    text,
    tables: tablesHeader(binary.layout, tablesDataFile, title),
    tablesFile,
    tablesData: binary.data,
    tablesDataFile,
    tablesLayout: binary.layout,
    report,
    closure,
    bounded,
    options,
    actions: options_.map((o) => o.action),
    entries: { primary: primary.entries.length, secondary: secondary.entries.length },
  };
}
