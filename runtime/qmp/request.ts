/**
 * Checks one parsed QMP input the way qapi/qmp-dispatch.c:qmp_dispatch_check_obj does, and the
 * arguments of qmp_capabilities the way its generated marshaller would.
 * @packageDocumentation
 */

/** A well-formed command. @internal */
export interface QmpRequest {
  /** The command name. */
  readonly command: string;
  /** `arguments`, if given. */
  readonly args: Readonly<Record<string, unknown>> | undefined;
  /** True for `exec-oob`. */
  readonly oob: boolean;
}

/** The input's `id`, if it is an object that has one: echoed in the reply whatever happens next. @internal */
export const requestId = (input: unknown): { readonly id?: unknown } =>
  isObject(input) && 'id' in input ? { id: input.id } : {};

/** Whether `input` is a plain JSON object. @internal */
export const isObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/** A request, or the desc of the GenericError to reply with. @internal */
export function checkRequest(input: unknown, allowOob: boolean): QmpRequest | string {
  // qapi/qmp-dispatch.c:qmp_dispatch
  if (!isObject(input)) return 'QMP input must be a JSON object';
  let execKey: string | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'execute' || (key === 'exec-oob' && allowOob)) {
      if (typeof value !== 'string') return `QMP input member '${key}' must be a string`;
      if (execKey !== undefined) return `QMP input member '${key}' clashes with '${execKey}'`;
      execKey = key;
    } else if (key === 'arguments') {
      if (!isObject(value)) return "QMP input member 'arguments' must be an object";
    } else if (key !== 'id') return `QMP input member '${key}' is unexpected`;
  }
  if (execKey === undefined) return "QMP input lacks member 'execute'";
  const args = input.arguments;
  return {
    command: input[execKey] as string,
    args: isObject(args) ? args : undefined,
    oob: execKey === 'exec-oob',
  };
}

/** The capabilities the server offers (qapi/control.json:QMPCapability). @internal */
export const OFFERED_CAPABILITIES = ['oob'] as const;

/**
 * Checks qmp_capabilities' arguments; returns the capabilities to enable, or an error desc (the
 * messages of qapi/qobject-input-visitor.c and monitor/qmp-cmds-control.c:qmp_caps_accept).
 */
export function checkCapabilities(args: Readonly<Record<string, unknown>> | undefined): string[] | string {
  const enable = args?.enable;
  for (const key of Object.keys(args ?? {})) if (key !== 'enable') return `Parameter '${key}' is unexpected`;
  if (enable === undefined) return [];
  if (!Array.isArray(enable)) return "Invalid parameter type for 'enable', expected: array";
  const caps: string[] = [];
  for (const [i, cap] of enable.entries()) {
    if (typeof cap !== 'string') return `Invalid parameter type for 'enable[${i}]', expected: string`;
    if (!(OFFERED_CAPABILITIES as readonly string[]).includes(cap))
      return `Parameter 'enable[${i}]' does not accept value '${cap}'`;
    caps.push(cap);
  }
  return caps;
}
