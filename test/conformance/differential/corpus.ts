/**
 * The differential corpus, generated from the QMP schema: for every command lockstep serves, its
 * arguments with each required member missing, each member of the wrong type (and each member of a struct
 * inside an array), and one member too many. Every one of these is refused before anything runs, so the
 * same list can be sent in every status.
 */
import { COMMANDS, type CommandName } from '../../../runtime/qmp/schema/commands.js';
import type { QapiStruct, QapiType, QapiUnion } from '../../../runtime/qmp/schema/qapi.js';

/** One command to send. */
export interface Exchange {
  readonly command: string;
  readonly args?: Record<string, unknown>;
  /** What the case is about, for the report. */
  readonly why: string;
}

/** lockstep's own command: QEMU has no such thing (docs/conformance.md). */
const LOCKSTEP_ONLY = new Set<CommandName>(['x-lockstep-status']);

/** A value of `type` (never run: it sits beside a broken member). */
function sample(type: QapiType): unknown {
  switch (type.kind) {
    case 'str':
      return 'x';
    case 'bool':
      return true;
    case 'uint':
      return 1;
    case 'enum':
      return type.values[0];
    case 'str-or-null':
      return '';
    case 'array':
      return [];
    case 'struct':
      return requiredSample(type);
    case 'union': {
      const [tag, branch] = Object.entries(type.branches)[0] as [string, QapiStruct];
      return { [type.discriminator]: tag, ...requiredSample(branch) };
    }
  }
}

function requiredSample(type: QapiStruct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(type.members))
    if (!member.optional) out[name] = sample(member.type);
  return out;
}

/** A value of the wrong JSON type for `type`. */
function wrong(type: QapiType): unknown {
  return type.kind === 'str' || type.kind === 'enum' || type.kind === 'str-or-null' ? 5 : 'x';
}

/** The broken arguments of one struct, with how each is broken. */
function brokenArguments(type: QapiStruct): Array<{ args: Record<string, unknown>; why: string }> {
  const valid = requiredSample(type);
  const out: Array<{ args: Record<string, unknown>; why: string }> = [];
  for (const [name, member] of Object.entries(type.members)) {
    if (!member.optional) {
      const { [name]: _, ...rest } = valid;
      out.push({ args: rest, why: `${name} missing` });
    }
    out.push({ args: { ...valid, [name]: wrong(member.type) }, why: `${name} of the wrong type` });
    if (member.type.kind === 'enum')
      out.push({ args: { ...valid, [name]: 'bogus' }, why: `${name} not a value` });
    const item = member.type.kind === 'array' ? member.type.of : undefined;
    if (item?.kind === 'struct')
      for (const inner of brokenArguments(item))
        out.push({ args: { ...valid, [name]: [inner.args] }, why: `${name}[0]: ${inner.why}` });
    if (item?.kind === 'union') {
      out.push({ args: { ...valid, [name]: [{}] }, why: `${name}[0]: ${item.discriminator} missing` });
      out.push({
        args: { ...valid, [name]: [{ [item.discriminator]: 'bogus' }] },
        why: `${name}[0]: bad tag`,
      });
    }
  }
  out.push({ args: { ...valid, foo: 1 }, why: 'foo unexpected' });
  return out;
}

/** A flat union's arguments (object-add): the tag missing or bogus, then its first branch broken. */
function brokenCommand(type: QapiStruct | QapiUnion): Array<{ args: Record<string, unknown>; why: string }> {
  if (type.kind !== 'union') return brokenArguments(type);
  const [tag, branch] = Object.entries(type.branches)[0] as [string, QapiStruct];
  const tagged = (args: Record<string, unknown>) => ({ [type.discriminator]: tag, ...args });
  return [
    { args: requiredSample(branch), why: `${type.discriminator} missing` },
    {
      args: { ...requiredSample(branch), [type.discriminator]: 'bogus' },
      why: `${type.discriminator} not a value`,
    },
    ...brokenArguments(branch).map(({ args, why }) => ({ args: tagged(args), why })),
  ];
}

/** Every refused exchange of every command served (x-lockstep-status aside). */
export function refusedExchanges(): Exchange[] {
  const out: Exchange[] = [];
  for (const [command, type] of Object.entries(COMMANDS) as [CommandName, QapiStruct | QapiUnion][]) {
    if (LOCKSTEP_ONLY.has(command)) continue;
    for (const { args, why } of brokenCommand(type)) out.push({ command, args, why });
  }
  return out;
}

/** The queries, valid, harmless in any status. */
export const QUERIES: readonly Exchange[] = [
  'query-status',
  'query-version',
  'query-commands',
  'query-migrate',
  'query-migrate-capabilities',
  'query-migrate-parameters',
  'query-colo-status',
  'query-yank',
].map((command) => ({ command, why: 'valid' }));

/** The commands lockstep serves that the corpus sends with valid arguments somewhere. */
export function servedCommands(): string[] {
  return Object.keys(COMMANDS).filter((c) => !LOCKSTEP_ONLY.has(c as CommandName));
}
