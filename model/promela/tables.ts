import { type NodeInput, threadChannel } from '../../machines/index.js';
import type { NodeFacts } from '../colo/index.js';
import type { NodeEntry, NodeTable } from '../compile/index.js';
import { effectCode, THREAD_BIT } from './codes.js';

/** A channel thread's state as the Promela guards need it: 1 blocked reading, 2 writing, 0 otherwise. @internal */
export function channelCode(facts: NodeFacts, channel: number): number {
  if (facts.reading[channel]) return 1;
  return facts.writing[channel] ? 2 : 0;
}

function threadBits(facts: NodeFacts): number {
  let bits = 0;
  for (const thread of facts.threads) {
    if (thread === 'colo') bits |= THREAD_BIT.colo;
    else if (thread === 'main-loop') bits |= THREAD_BIT.mainLoop;
    else bits |= THREAD_BIT.multifd(threadChannel(thread));
  }
  return bits;
}

/** The facts a side's Promela variables mirror, per node entry, in declaration order. @internal */
export const FACTS: ReadonlyArray<readonly [string, (f: NodeFacts) => number]> = [
  ['Threads', threadBits],
  ['Colo', (f) => +f.coloActive],
  ['Quiet', (f) => +f.quiescent],
  ['Run', (f) => +f.running],
  ['Left', (f) => +f.leftColo],
  ['Foc', (f) => +f.failoverCompleted],
  ['Ck', (f) => f.checkpoints],
  ['Rel', (f) => +f.cacheReleased],
  ['Ckev', (f) => +f.checkpointEvent],
];

const array = (type: string, name: string, values: readonly number[]): string =>
  `static const ${type} ${name}[] = { ${values.length > 0 ? values.join(', ') : '0'} };`;

/**
 * One side's compiled table as C arrays for `c_decl`: the next entry and the effect list of every
 * (entry, input) pair (-1: never compiled, which the model asserts against), then the entries' facts.
 * Effect lists go into the shared `effects` stream, zero-terminated and shared when equal.
 * @internal
 */
export function tableDecl(
  prefix: 'P' | 'S',
  table: NodeTable<NodeFacts>,
  inputs: readonly NodeInput[],
  channels: number,
  effects: { stream: number[]; at: Map<string, number> },
): string {
  const next: number[] = [];
  const at: number[] = [];
  const listAt = (entry: NodeEntry<NodeFacts>, input: NodeInput): number => {
    const step = entry.steps.get(input);
    if (!step) return 0;
    const codes = step.effects.map(effectCode).filter((c): c is number => c !== null);
    const key = codes.join(',');
    let offset = effects.at.get(key);
    if (offset === undefined) {
      offset = effects.stream.length;
      effects.stream.push(...codes, 0);
      effects.at.set(key, offset);
    }
    return offset;
  };
  for (const entry of table.entries) {
    for (const input of inputs) {
      next.push(entry.steps.get(input)?.next.id ?? -1);
      at.push(listAt(entry, input));
    }
  }
  const lines = [
    array('int', `${prefix}_NEXT`, next),
    array('int', `${prefix}_AT`, at),
    ...FACTS.map(([name, of]) =>
      array(
        'unsigned char',
        `${prefix}_${name.toUpperCase()}`,
        table.entries.map((e) => of(e.facts)),
      ),
    ),
    array(
      'unsigned char',
      `${prefix}_CH`,
      table.entries.flatMap((e) => Array.from({ length: channels }, (_, i) => channelCode(e.facts, i))),
    ),
  ];
  return lines.join('\n');
}
