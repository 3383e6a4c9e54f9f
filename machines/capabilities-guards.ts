import type { Capabilities, Capability } from './vocabulary.js';
import { CAPABILITIES, isOneOf, NO_CAPABILITIES } from './vocabulary.js';

/** The context every migration status machine carries: the capabilities in force. @public */
export interface MigrationContext {
  readonly capabilities: Capabilities;
}

/** The QMP command that changes capabilities, as QEMU receives its arguments. @public */
export interface SetCapabilitiesEvent {
  readonly type: 'migrate-set-capabilities';
  readonly capabilities: ReadonlyArray<{ readonly capability: string; readonly state: boolean }>;
}

/** @internal One guard per capability, named after it, so charts read `[x-colo]`. */
export const capabilityGuards = Object.fromEntries(
  CAPABILITIES.map((name) => [
    name,
    ({ context }: { context: MigrationContext }) => context.capabilities[name],
  ]),
) as Record<Capability, (args: { context: MigrationContext }) => boolean>;

/**
 * @internal Applies a migrate-set-capabilities command; capabilities lockstep does not model are kept
 * out of the context (they do not pick a branch).
 */
export function applyCapabilities(current: Capabilities, event: SetCapabilitiesEvent): Capabilities {
  const next: Record<Capability, boolean> = { ...current };
  for (const { capability, state } of event.capabilities) {
    if (isOneOf(CAPABILITIES, capability)) next[capability] = state;
  }
  return Object.freeze(next);
}

/** @internal migrate-set-capabilities changes the capabilities; every other event leaves them as they are. */
export const capabilitiesAfter = ({
  context,
  event,
}: {
  context: MigrationContext;
  event: { type: string };
}) =>
  event.type === 'migrate-set-capabilities'
    ? applyCapabilities(context.capabilities, event as SetCapabilitiesEvent)
    : context.capabilities;

/** @internal The capabilities in force when a status machine starts: QEMU's defaults, then the input's. */
export const initialContext = ({
  input,
}: {
  input: { readonly capabilities?: Partial<Capabilities> } | undefined;
}): MigrationContext => ({ capabilities: { ...NO_CAPABILITIES, ...input?.capabilities } });
