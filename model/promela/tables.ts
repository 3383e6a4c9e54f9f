import { type NodeInput, threadChannel } from '../../machines/index.js';
import type { NodeFacts } from '../colo/index.js';
import type { NodeStep, NodeTable } from '../compile/index.js';
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

/**
 * One array of the tables binary: its C name, element type, and where it lies in the binary. The C
 * header defines each name as a pointer to the label of the binary plus `offset`.
 * @public
 */
export interface TablesArray {
  /** The C name the glue reads, e.g. `S_NEXT`. */
  readonly name: string;
  /** `int`: 4 bytes, little-endian, two's complement; `unsigned char`: 1 byte. */
  readonly type: 'int' | 'unsigned char';
  /** Byte offset of the first element in the binary, a multiple of 8. */
  readonly offset: number;
  /** Elements (not bytes). */
  readonly length: number;
}

/** The compiled tables as one binary and where each array lies in it. @internal */
export interface TablesBinary {
  readonly data: Uint8Array;
  readonly layout: readonly TablesArray[];
}

/** Every array of the binary starts at a multiple of this (8: any element type is aligned). */
const ALIGN = 8;
const BYTES = { int: 4, 'unsigned char': 1 } as const;

/** An array to lay out: its size is known before the binary is allocated; `write` fills it in place. */
interface Spec {
  readonly name: string;
  readonly type: TablesArray['type'];
  readonly length: number;
  readonly write: (out: DataView, bytes: Uint8Array, offset: number) => void;
}

const byte = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 0 || value > 255)
    throw new Error(`promela export: ${name} holds ${value}, which an unsigned char cannot`);
  return value;
};

const byteArray = (name: string, length: number, value: (i: number) => number): Spec => ({
  name,
  type: 'unsigned char',
  length,
  write: (_, bytes, offset) => {
    for (let i = 0; i < length; i++) bytes[offset + i] = byte(name, value(i));
  },
});

/**
 * Both sides' compiled tables as one little-endian binary, filled in place (no text: at multifd 4 with
 * two faults an array holds ~60 M ints, past what a JavaScript string or gcc's parser can take). Per
 * side, `X` being `P` or `S`: `X_NEXT` and `X_AT`, ints, entries × inputs, the next entry and the
 * effect list of every (entry, input) pair (-1: never compiled, which the model asserts against); the
 * entries' facts (`X_THREADS` … `X_CKEV`, unsigned char, one per entry); `X_CH`, entries × channels
 * channel codes; then `EFFECTS`, the effect lists as one stream, zero-terminated and shared when equal.
 * @internal
 */
export function tablesBinary(
  sides: readonly (readonly ['P' | 'S', NodeTable<NodeFacts>])[],
  inputs: readonly NodeInput[],
  channels: number,
): TablesBinary {
  const stream: number[] = [0];
  const known = new Map<string, number>([['', 0]]);
  const listAt = (step: NodeStep<NodeFacts>): number => {
    const codes = step.effects.map(effectCode).filter((c): c is number => c !== null);
    const key = codes.join(',');
    let offset = known.get(key);
    if (offset === undefined) {
      offset = stream.length;
      for (const code of codes) stream.push(code);
      stream.push(0);
      known.set(key, offset);
    }
    return offset;
  };
  const width = inputs.length;
  const specs: Spec[] = [];
  for (const [prefix, table] of sides) {
    const { entries } = table;
    // the effect lists first: EFFECTS' length must be known before the binary is allocated
    const at = new Int32Array(entries.length * width);
    entries.forEach((entry, e) => {
      for (let i = 0; i < width; i++) {
        const step = entry.steps.get(inputs[i]!);
        if (step) at[e * width + i] = listAt(step);
      }
    });
    specs.push(
      {
        name: `${prefix}_NEXT`,
        type: 'int',
        length: entries.length * width,
        write: (out, _, offset) => {
          entries.forEach((entry, e) => {
            for (let i = 0; i < width; i++)
              out.setInt32(offset + 4 * (e * width + i), entry.steps.get(inputs[i]!)?.next.id ?? -1, true);
          });
        },
      },
      {
        name: `${prefix}_AT`,
        type: 'int',
        length: at.length,
        write: (out, _, offset) => {
          for (let k = 0; k < at.length; k++) out.setInt32(offset + 4 * k, at[k]!, true);
        },
      },
      ...FACTS.map(([name, of]) =>
        byteArray(`${prefix}_${name.toUpperCase()}`, entries.length, (i) => of(entries[i]!.facts)),
      ),
      byteArray(`${prefix}_CH`, entries.length * channels, (k) =>
        channelCode(entries[Math.floor(k / channels)]!.facts, k % channels),
      ),
    );
  }
  specs.push(byteArray('EFFECTS', stream.length, (i) => stream[i]!));
  const layout: TablesArray[] = [];
  let size = 0;
  for (const { name, type, length } of specs) {
    layout.push({ name, type, offset: size, length });
    size = Math.ceil((size + length * BYTES[type]) / ALIGN) * ALIGN;
  }
  const data = new Uint8Array(size);
  const out = new DataView(data.buffer);
  for (const [k, spec] of specs.entries()) spec.write(out, data, layout[k]!.offset);
  return { data, layout };
}

/** The assembler label of the binary: the header's array names are offsets from it. */
const LABEL = 'lockstep_tables';

/**
 * The C header that `c_decl` includes: small, whatever the tables' size. It pulls `dataFile` into pan at
 * assembly time (GNU as `.incbin`, resolved against the assembler's working directory: build pan in the
 * directory of both files) and names each array of `layout` as a typed pointer into it.
 * @internal
 */
export function tablesHeader(layout: readonly TablesArray[], dataFile: string, title: string): string {
  return `/* ${title} */
#ifndef LOCKSTEP_TABLES_H
#define LOCKSTEP_TABLES_H
/*
 * The arrays are in ${dataFile} (little-endian, each at an offset that is a multiple of ${ALIGN}), which the
 * assembler copies into pan's read-only data with .incbin: gcc never parses the tables (as C
 * initializers they took gigabytes of cc1 at multifd 4), and pan stays one self-contained binary.
 * .incbin resolves "${dataFile}" against the assembler's working directory: run gcc in this directory.
 */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "${dataFile} is little-endian: build pan for a little-endian target"
#endif
__asm__(
  ".section .rodata\\n"
  ".balign 16\\n"
  ".globl ${LABEL}\\n"
  ".hidden ${LABEL}\\n"
  "${LABEL}:\\n"
  ".incbin \\"${dataFile}\\"\\n"
  ".previous\\n");
extern const unsigned char ${LABEL}[] __attribute__((visibility("hidden")));
${layout.map((a) => `#define ${a.name} ((const ${a.type} *)(${LABEL} + ${a.offset})) /* ${a.length} */`).join('\n')}
#endif
`;
}
