import { COLO_MESSAGES, type NodeInput } from '../../machines/index.js';
import {
  type ColoAction,
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
import { tableDecl } from './tables.js';

/** What `lockstep export promela` produces. @public */
export interface PromelaExport {
  /** The Promela text; `spin -DPROP=n` turns on the assertion of property n (see {@link promelaPropertyNumber}). */
  readonly text: string;
  /**
   * The compiled tables as C, which the Promela text includes (`c_decl`) by the name `tablesFile`: keep
   * both files in one directory. (Spin's parser limits the length of embedded C, hence a second file.)
   */
  readonly tables: string;
  readonly tablesFile: string;
  /**
   * The search that compiled the tables (its distinct states are what Spin must find too), or null
   * when the tables were compiled by closure ({@link PromelaTables}).
   */
  readonly report: Report<ColoState, ColoAction> | null;
  /** The closure that compiled the tables, when they were compiled so. */
  readonly closure: TableClosure | null;
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
export type PromelaTables = 'search' | 'closure';

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
 * const { text, tables, tablesFile, report } = exportPromela({ multifd: 1 });
 * await writeFile('colo.pml', text);
 * await writeFile(tablesFile, tables); // spin -a colo.pml && gcc -O2 -DSAFETY -o pan pan.c && LOCKSTEP_PROP=1 ./pan
 * ```
 * @public
 */
export function exportPromela(
  options: ColoModelOptions = {},
  tablesFile = 'colo-tables.h',
  compile: PromelaTables = 'search',
): PromelaExport {
  if (!/^[\w.-]+$/.test(tablesFile))
    throw new Error(
      `promela export: the tables file name "${tablesFile}" must be letters, digits, '.', '-' or '_'`,
    );
  const model = createColoModel(options);
  const closure = compile === 'closure' ? closeTables(model) : null;
  const report = closure ? null : checker(model).spawnBfs();
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
    applyInline('primary', 1),
    bookInline(glue, 'secondary', 1),
    applyInline('secondary', 1),
    bookInline(glue, 'primary', 0),
    applyInline('primary', 0),
    bookInline(glue, 'secondary', 0),
    applyInline('secondary', 0),
  ];
  const effects = { stream: [0], at: new Map([['', 0]]) };
  const { primary, secondary } = model.composition.tables;
  const tables = [
    tableDecl('P', primary, inputs.all, model.channels, effects),
    tableDecl('S', secondary, inputs.all, model.channels, effects),
    `static const unsigned char EFFECTS[] = { ${effects.stream.join(', ')} };`,
  ];
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
  const enabled = options_.map((o) => `(${o.guard})`).join(' || ');
  const choices = options_.map(
    (o, k) =>
      `    /* ${o.comment} */\n    :: ${o.guard} ->\n      printf("${TRAIL_STEP} ${k}\\n"); ${o.body}`,
  );
  const text = `/*
 * The composed COLO system, generated by \`lockstep export promela\` from the compiled machines.
 * Options: ${JSON.stringify(options)}
 * Tables: ${primary.entries.length} primary and ${secondary.entries.length} secondary node states, ${inputs.all.length} inputs.
 * ${report ? `lockstep's BFS: ${report.states} states, ${report.transitions} transitions.` : `Tables compiled by closure (no composed search): ${closure!.transitions} node transitions.`}
 * Run: spin -a this.pml && gcc -O2 -DSAFETY -o pan pan.c && LOCKSTEP_PROP=n ./pan -m1000000
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
    check()
  }
  /* deadlock: nothing can move and a live side is not quiescent */
  :: atomic { !ENABLED && !QUIESCENT ->
    if :: c_expr { lockstep_prop == ${promelaPropertyNumber('deadlock')} } -> assert(false) :: else -> skip fi }
  od
}
`;
  const header = `/* the compiled node tables of ${JSON.stringify(options)}, for the Promela model beside this file */\n${tables.join('\n')}\n`;
  return {
    text,
    tables: header,
    tablesFile,
    report,
    closure,
    options,
    actions: options_.map((o) => o.action),
    entries: { primary: primary.entries.length, secondary: secondary.entries.length },
  };
}
