/**
 * What a record after the start line must hold: one node input, with the sizes the edge measured. The
 * checksum catches a damaged line; this catches a well-formed line that is not an input (a log written by
 * something else, or by hand), before it reaches the machines.
 * @packageDocumentation
 */
import type { NodeInput } from '../../machines/index.js';
import type { InputMeta } from './stats.js';

/** What one logged line of a node holds: the input, and sizes measured at the edge. @public */
export interface LoggedInput {
  readonly input: NodeInput;
  readonly meta?: InputMeta;
}

type Check = (input: Record<string, unknown>) => boolean;

const str = (v: unknown): boolean => typeof v === 'string';
const nat = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** Each input kind and the fields it cannot do without. */
const REQUIRED: Readonly<Record<NodeInput['kind'], Check>> = {
  qmp: (i) =>
    str(i.command) &&
    (i.arguments === undefined ||
      (typeof i.arguments === 'object' && i.arguments !== null && !Array.isArray(i.arguments))),
  migration: (i) => str(i.event),
  peer: (i) => str(i.message) && (i.value === undefined || nat(i.value)),
  io: (i) => str(i.completion),
  timer: () => true,
  step: (i) => str(i.thread),
  'ram-jobs': (i) => nat(i.jobs),
  multifd: (i) => nat(i.channel) && str(i.event),
  'checkpoint-delay': (i) => nat(i.ms),
};

const KINDS = Object.keys(REQUIRED).join(', ');

/**
 * Checks a record's data and type; returns what is wrong, or null when it is a {@link LoggedInput} of
 * that type.
 * @internal
 */
export function loggedInputError(type: string, data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return `data ${JSON.stringify(data)} is not an object`;
  const input = (data as { input?: unknown }).input;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return `"input" is ${JSON.stringify(input) ?? 'missing'}, not an object`;
  const kind = (input as { kind?: unknown }).kind;
  const check = typeof kind === 'string' ? REQUIRED[kind as NodeInput['kind']] : undefined;
  if (check === undefined) return `input kind ${JSON.stringify(kind)} is not one of ${KINDS}`;
  if (kind !== type) return `record type "${type}" but input kind "${kind}"`;
  if (!check(input as Record<string, unknown>))
    return `a "${kind}" input without the fields it needs: ${JSON.stringify(input)}`;
  return null;
}

/**
 * Records the edge writes beside the inputs: what it refused (a connection that is not the peer, a
 * checkpoint whose digest does not match) and what it noticed of the peer (silence past its timeout).
 * They are not inputs: the machines never see them, and a fold skips them.
 * @internal
 */
export const EDGE_NOTE = { refused: 'refused', peerSilence: 'peer-silence' } as const;

/** The record types of {@link EDGE_NOTE}: a fold skips them (none may be an input kind). @internal */
export const EDGE_NOTES: ReadonlySet<string> = new Set(Object.values(EDGE_NOTE));

/** The kinds of input a node log holds, for error messages. @internal */
export const INPUT_KINDS = KINDS;
