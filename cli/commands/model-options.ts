import type { Command, OptionValues } from '@commander-js/extra-typings';
import { PROFILE_NAMES } from '../../machines/index.js';
import {
  type ColoModelOptions,
  FAULT_KINDS,
  FIX_NAMES,
  type FixName,
  PROPOSED_FIX_NAMES,
} from '../../model/index.js';
import { parseChoice, UsageError } from '../errors.js';

/** The flags that pick a composed system, shared by `check` and `export promela`. @public */
export interface ModelFlags {
  readonly multifd?: string;
  readonly faults?: string;
  readonly checkpoints?: string;
  readonly profile?: string;
  readonly withoutFix?: string[];
  readonly withFix?: string[];
  readonly fault?: string[];
}

/** An integer flag within bounds, or a UsageError saying which bounds. @public */
export function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds the model flags to a command. @public */
export function withModelOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
): Command<Args, Opts & ModelFlags> {
  // commander's inferred chain type is too deep to name; it is exactly Opts plus the optional flags
  const chained = command
    .option('--multifd <n>', 'multifd channels, 0 to 4 (default 0)')
    .option('--faults <k>', 'fault budget, 0 to 4 (default 1)')
    .option('--checkpoints <n>', 'checkpoint triggers, 0 to 4 (default 1)')
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default qemu-11.0)`)
    .option('--without-fix <name>', `switch a fix off (repeatable): ${FIX_NAMES.join(', ')}`, collect)
    .option(
      '--with-fix <name>',
      `switch on a fix lockstep proposes, not in QEMU (repeatable): ${PROPOSED_FIX_NAMES.join(', ')}`,
      collect,
    )
    .option('--fault <kind>', `only inject these faults (repeatable): ${FAULT_KINDS.join(', ')}`, collect);
  return chained as unknown as Command<Args, Opts & ModelFlags>;
}

/** The model options the flags name; bad values are UsageErrors. @public */
export function modelOptions(flags: ModelFlags): ColoModelOptions {
  return {
    multifd: integer('multifd', flags.multifd, 0, 0, 4),
    faults: integer('faults', flags.faults, 1, 0, 4),
    checkpoints: integer('checkpoints', flags.checkpoints, 1, 0, 4),
    profile: flags.profile === undefined ? 'qemu-11.0' : parseChoice('profile', flags.profile, PROFILE_NAMES),
    withoutFix: (flags.withoutFix ?? []).map((n) => parseChoice('fix', n, FIX_NAMES)) as FixName[],
    withFix: (flags.withFix ?? []).map((n) => parseChoice('proposed fix', n, PROPOSED_FIX_NAMES)),
    ...(flags.fault ? { faultKinds: flags.fault.map((f) => parseChoice('fault', f, FAULT_KINDS)) } : {}),
  };
}
