/**
 * Reading a counterexample saved by `lockstep check` ({options, property, kind, steps:[{action, …}]}):
 * every field is checked before the replay trusts it, and a bad one is named by its path
 * (`steps[7].action.thread`), so a hand-edited or truncated trace fails with exit 2, not half-way.
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { type NodeThread, PROFILE_NAMES, threadChannel } from '../machines/index.js';
import {
  type ColoAction,
  type ColoModelOptions,
  FAULT_KINDS,
  FIX_NAMES,
  PROPOSED_FIX_NAMES,
} from '../model/index.js';
import { fail } from '../runtime/errors.js';
import { expectedStates } from './oracle.js';

/** A counterexample as `lockstep check` writes it. @public */
export interface CounterexampleTrace {
  /** The file it was read from (for messages and the report). */
  readonly path: string;
  /** The composed model's options the checker ran with (multifd, fixes switched off, faults). */
  readonly options: ColoModelOptions;
  /** The violated property or finding (`deadlock`, `no-released-cache-access`, …). */
  readonly property: string;
  /** `safety`, `deadlock` or `liveness`. */
  readonly kind: string;
  /** The steps from the model's initial state (the bring-up settled). */
  readonly steps: readonly ColoAction[];
}

type Json = Record<string, unknown>;
const SIDES = ['primary', 'secondary'] as const;
const THREAD = /^(colo|main-loop|multifd-\d+)$/;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

/**
 * Reads and checks a trace file.
 * @throws LockstepError `trace-unreadable` (missing file, not JSON) or `trace-malformed` (naming the field).
 * @public
 */
export async function readTrace(path: string): Promise<CounterexampleTrace> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    fail('trace-unreadable', { path, actual: (error as NodeJS.ErrnoException).code ?? 'error' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail('trace-unreadable', { path, actual: `not JSON: ${(error as Error).message}` });
  }
  return parseTrace(value, path);
}

/**
 * Checks that the model takes every step of a well-formed trace: a step it refuses means the file was
 * edited or comes from another model, so it is bad input (exit 2), not a divergence of the runtime.
 * @throws LockstepError `trace-malformed` naming the first step the model refuses.
 * @public
 */
export function checkTraceInModel(trace: CounterexampleTrace): void {
  const refused = expectedStates(trace.options, trace.steps).after.indexOf(null);
  if (refused >= 0)
    fail('trace-malformed', {
      path: trace.path,
      message: `steps[${refused}].action`,
      actual: JSON.stringify(trace.steps[refused]),
      expected: 'a step the model takes there (was the trace edited?)',
    });
}

/** Checks a parsed trace. @throws LockstepError `trace-malformed`. @public */
export function parseTrace(value: unknown, path = '<trace>'): CounterexampleTrace {
  const bad = (message: string, actual: unknown, expected: string): never =>
    fail('trace-malformed', { path, message, actual: show(actual), expected });
  if (!isObject(value)) return bad('the file', value, 'an object {options, property, kind, steps}');
  const options = value.options;
  if (!isObject(options)) return bad('options', options, 'an object');
  const multifd = options.multifd ?? 0;
  if (!Number.isInteger(multifd) || (multifd as number) < 0 || (multifd as number) > 4)
    bad('options.multifd', multifd, 'an integer from 0 to 4');
  const profile = options.profile ?? 'qemu-11.0';
  if (!PROFILE_NAMES.some((p) => p === profile)) bad('options.profile', profile, PROFILE_NAMES.join(' or '));
  const off = options.withoutFix ?? [];
  if (!Array.isArray(off) || off.some((f) => !FIX_NAMES.some((n) => n === f)))
    bad('options.withoutFix', off, `a list of ${FIX_NAMES.join(', ')}`);
  const on = options.withFix ?? [];
  if (!Array.isArray(on) || on.some((f) => !PROPOSED_FIX_NAMES.some((n) => n === f)))
    bad('options.withFix', on, `a list of ${PROPOSED_FIX_NAMES.join(', ')}`);
  if (typeof value.property !== 'string') bad('property', value.property, 'a property name');
  if (!Array.isArray(value.steps)) return bad('steps', value.steps, 'a list of {action}');
  const steps = value.steps.map((step: unknown, i) =>
    parseAction(isObject(step) ? step.action : undefined, `steps[${i}].action`, multifd as number, bad),
  );
  return {
    path,
    options: options as ColoModelOptions,
    property: value.property as string,
    kind: typeof value.kind === 'string' ? value.kind : 'safety',
    steps,
  };
}

type Bad = (message: string, actual: unknown, expected: string) => never;

/** One ColoAction, field by field (model/colo ColoAction). */
function parseAction(a: unknown, at: string, channels: number, bad: Bad): ColoAction {
  if (!isObject(a)) return bad(at, a, 'an object with t');
  const side = (key: string) =>
    SIDES.find((s) => s === a[key]) ?? bad(`${at}.${key}`, a[key], 'primary or secondary');
  switch (a.t) {
    case 'step': {
      const thread = a.thread;
      const ok =
        typeof thread === 'string' && THREAD.test(thread) && threadChannel(thread as NodeThread) < channels;
      if (!ok)
        bad(`${at}.thread`, thread, `colo, main-loop${channels > 0 ? ` or multifd-0..${channels - 1}` : ''}`);
      return { t: 'step', side: side('side'), thread: thread as NodeThread };
    }
    case 'deliver':
    case 'channel-error':
      return { t: a.t, to: side('to') };
    case 'multifd':
      if (!Number.isInteger(a.channel) || (a.channel as number) < 0 || (a.channel as number) >= channels)
        bad(`${at}.channel`, a.channel, `a channel from 0 to ${channels - 1}`);
      return { t: 'multifd', channel: a.channel as number };
    case 'trigger':
      return { t: 'trigger' };
    case 'fault': {
      const fault =
        FAULT_KINDS.find((f) => f === a.fault) ?? bad(`${at}.fault`, a.fault, FAULT_KINDS.join(', '));
      return { t: 'fault', fault, side: side('side') };
    }
    default:
      return bad(`${at}.t`, a.t, 'step, deliver, channel-error, multifd, trigger or fault');
  }
}
