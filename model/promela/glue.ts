import { COLO_MESSAGES, type NodeInput, type NodeRole } from '../../machines/index.js';
import { type ColoModel, type ColoState, coloView, type NodeFacts } from '../colo/index.js';
import { EFFECT, messageName } from './codes.js';
import { channelCode, FACTS } from './tables.js';

/** Queue capacities; an overflow is an assertion, never a silent drop. @internal */
export const QUEUE = { main: 8, returnPath: 8, multifd: 8 } as const;

/** The properties the Promela model asserts, numbered for `spin -DPROP=n`. @public */
export const PROMELA_PROPERTIES = [
  'deadlock',
  'takeover-holds-complete-checkpoint',
  'output-commit',
  'no-released-cache-access',
  'no-closed-file-access',
  'split-brain',
] as const;

/** One of {@link PROMELA_PROPERTIES}. @public */
export type PromelaProperty = (typeof PROMELA_PROPERTIES)[number];

/** What the glue needs: the model, its initial state and the Promela name of each input it feeds. @internal */
export interface GlueInput {
  readonly model: ColoModel;
  readonly init: ColoState;
  readonly input: (value: NodeInput) => string;
}

/** The side's letter in Promela names. @internal */
export const S = (side: NodeRole) => (side === 'primary' ? 'P' : 'S');
/** The side's node variable. @internal */
export const v = (side: NodeRole) => (side === 'primary' ? 'p' : 's');
const peer = (side: NodeRole): NodeRole => (side === 'primary' ? 'secondary' : 'primary');

/** canWrite of model/colo/links.ts as a Promela expression. @internal */
export const canWrite = (side: NodeRole, channel: 'm' | 'f') =>
  `(!broken && !shut${S(side)}${channel} && !dead${S(peer(side))} && !shut${S(peer(side))}${channel})`;

/** The composed state as Promela globals (initialised to the model's initial state) and the scratch. @internal */
function declarations({ model, init }: GlueInput): string {
  const c = Math.max(model.channels, 1);
  const facts = (side: NodeRole) => {
    const entry = side === 'primary' ? init.p : init.s;
    return FACTS.map(([name, of]) => `byte ${v(side)}${name} = ${of(entry.facts)};`).join(' ');
  };
  const view = coloView(init);
  if (view.toS.length + view.toP.length + view.mfd.flat().length > 0 || view.broken || view.faults > 0)
    throw new Error('promela export: the initial state must have empty links and no fault');
  return `
/* the composed state: each node as its table entry, the links, the fault injector's bookkeeping */
int p = ${init.p.id}; int s = ${init.s.id};
bit deadP; bit deadS;
byte toS[${QUEUE.main}]; byte toSn;
byte toP[${QUEUE.returnPath}]; byte toPn;
byte mfd[${c * QUEUE.multifd}]; byte mfdn[${c}];
bit broken;
bit shutPm; bit shutPf; bit shutSm; bit shutSf;
bit errP; bit errS;
byte faults; byte triggers;
bit hbP; bit hbS; bit hbRefP; bit hbRefS;
byte blobs = ${view.blobs}; byte flushes = ${view.flushes};
bit cacheUaf; bit fileUaf;
/* facts of p and s, copied from the tables after each step: functions of p and s, they add no state */
${facts('primary')}
${facts('secondary')}
byte pCh[${c}] = ${channelInit(init.p.facts)}; byte sCh[${c}] = ${channelInit(init.s.facts)};
/* scratch, only inside one d_step */
hidden short tIn; hidden int tNext; hidden int tAt0; hidden int tAt1; hidden byte tE0; hidden byte tE1;
hidden byte tI; hidden byte tItem; hidden byte tSide;`;
}

/** Promela initialises an array with one value: the initial channels must all be in the same state. */
function channelInit(facts: NodeFacts): number {
  const codes = new Set(facts.reading.map((_, i) => channelCode(facts, i)));
  if (codes.size > 1)
    throw new Error('promela export: the initial multifd channels differ; Promela cannot initialise them');
  return [...codes][0] ?? 0;
}

/** Copies a side's facts from its table row into the state vector after each step. @internal */
function factsInline(side: NodeRole, channels: number): string {
  const x = v(side);
  const copies = FACTS.map(([name]) => `now.${x}${name} = ${S(side)}_${name.toUpperCase()}[now.${x}];`);
  for (let i = 0; i < channels; i++)
    copies.push(`now.${x}Ch[${i}] = ${S(side)}_CH[now.${x} * ${channels} + ${i}];`);
  return `inline facts${S(side)}() { c_code { ${copies.join(' ')} } }`;
}

/**
 * apply of model/colo/composition.ts: the table lookup (in C: the tables are C arrays), the facts, then
 * the effects. Level 0 applies the input an option left in tIn; level 1 is the one nested apply, the
 * completion of a RAM send (`send-ram` books `ram-sent` or `channel-error` at once).
 */
function applyInline(side: NodeRole, level: 0 | 1, cut = false): string {
  const X = S(side);
  const step = `${v(side)} = tNext;
    facts${X}();
    book${X}${level}()`;
  // over bounded tables (cut) a missing transition ends the path instead of failing an assertion
  const next = cut
    ? `if
    :: tNext < 0 -> cut = 1 /* a transition the bounded tables lack */
    :: else ->
    ${step}
    fi`
    : `assert(tNext >= 0); /* a transition the export's search never compiled */
    ${step}`;
  return `inline apply${X}${level}(${level === 1 ? 'inp' : ''}) {
  if
  :: !dead${X} ->
    ${level === 1 ? 'tIn = inp;' : 'skip;'}
    c_code { int k = now.${v(side)} * NI + tIn; tNext = ${X}_NEXT[k]; tAt${level} = ${X}_AT[k]; };
    ${next}
  :: else -> skip
  fi
}`;
}

/** book of model/colo/composition.ts: each effect code of the step onto the links and flags. @internal */
function bookInline({ model, input }: GlueInput, side: NodeRole, level: 0 | 1): string {
  const X = S(side);
  const e = `tE${level}`;
  const queue = side === 'primary' ? 'S' : 'P';
  const nested = (inp: string) =>
    level === 0 ? `apply${X}1(${inp})` : `assert(${e} < 0) /* a RAM send inside a RAM send */`;
  const inputs = model.composition.inputs;
  const cases = [
    `:: ${e} >= 1 && ${e} <= ${COLO_MESSAGES.length} -> if :: ${canWrite(side, 'm')} -> push${queue}(${e}) :: else -> skip fi`,
    `:: ${e} == ${EFFECT.sendRam} -> if :: ${canWrite(side, 'm')} -> pushS(I_RAM); ${nested(input(inputs.io('ram-sent')))} :: else -> ${nested(input(inputs.io('channel-error')))} fi`,
    `:: ${e} == ${EFFECT.sendDevice} -> if :: ${canWrite(side, 'm')} -> pushS(I_DEVICE) :: else -> skip fi`,
    `:: ${e} == ${EFFECT.shutMain} -> shut${X}m = 1`,
    `:: ${e} == ${EFFECT.shutMultifd} -> shut${X}f = 1`,
    `:: ${e} == ${EFFECT.shutAll} -> shut${X}m = 1; shut${X}f = 1`,
    `:: ${e} == ${EFFECT.store} -> if :: sRel -> cacheUaf = 1 :: else -> skip fi`,
    `:: ${e} == ${EFFECT.fileFreed} -> fileUaf = 1`,
    `:: ${e} == ${EFFECT.flush} -> flushes++`,
    `:: ${e} == ${EFFECT.hbRefused} -> hbRef${X} = 1`,
    ...Array.from({ length: model.channels }, (_, i) => [
      `:: ${e} == ${EFFECT.multifdWrite + 2 * i} -> pushMfd(${i}, PK_DATA)`,
      `:: ${e} == ${EFFECT.multifdWrite + 2 * i + 1} -> pushMfd(${i}, PK_SYNC)`,
    ]).flat(),
    `:: else -> assert(${e} < 0) /* an effect code the glue does not know */`,
  ];
  return `inline book${X}${level}() {
  c_code { ${e} = EFFECTS[tAt${level}]; };
  do
  :: ${e} == 0 -> break
  :: else ->
    tAt${level}++;
    if
    ${cases.join('\n    ')}
    fi;
    c_code { ${e} = EFFECTS[tAt${level}]; }
  od
}`;
}

/** Push, pop and clear of the link queues; a push past capacity is an assertion, not a drop. @internal */
function queueInlines(channels: number): string {
  const pop = (q: string, n: string) =>
    `tI = 0; do :: tI + 1 < ${n} -> ${q}[tI] = ${q}[tI + 1]; tI++ :: else -> break od; ${n}--; ${q}[${n}] = 0; tI = 0`;
  const clear = (q: string, cap: number) =>
    `tI = 0; do :: tI < ${cap} -> ${q}[tI] = 0; tI++ :: else -> break od; tI = 0`;
  const c = Math.max(channels, 1);
  return `inline pushS(x) { assert(toSn < ${QUEUE.main}); toS[toSn] = x; toSn++ }
inline pushP(x) { assert(toPn < ${QUEUE.returnPath}); toP[toPn] = x; toPn++ }
inline popS() { ${pop('toS', 'toSn')} }
inline popP() { ${pop('toP', 'toPn')} }
inline pushMfd(i, x) { assert(mfdn[i] < ${QUEUE.multifd}); mfd[i * ${QUEUE.multifd} + mfdn[i]] = x; mfdn[i]++ }
inline popMfd(i) { tI = 0; do :: tI + 1 < mfdn[i] -> mfd[i * ${QUEUE.multifd} + tI] = mfd[i * ${QUEUE.multifd} + tI + 1]; tI++ :: else -> break od; mfdn[i]--; mfd[i * ${QUEUE.multifd} + mfdn[i]] = 0; tI = 0 }
inline clearS() { ${clear('toS', QUEUE.main)}; toSn = 0 }
inline clearP() { ${clear('toP', QUEUE.returnPath)}; toPn = 0 }
inline clearMfd() { ${clear('mfd', c * QUEUE.multifd)}; ${clear('mfdn', c)} }`;
}

/** `peer` input of the message in `tItem`, as an if over the seven codes. @internal */
function peerInput({ model, input }: GlueInput, side: NodeRole): string {
  const inputs = model.composition.inputs;
  const options = COLO_MESSAGES.map(
    (m) =>
      `:: tItem == ${messageName(m)} -> tSide = ${side === 'primary' ? 1 : 2}; tIn = ${input(inputs.peer(m))}`,
  );
  return `if\n      ${options.join('\n      ')}\n      fi`;
}

export { applyInline, bookInline, declarations, factsInline, peerInput, queueInlines };
