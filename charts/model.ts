import type { AnyStateNode } from 'xstate';
import type { MachineName, ProfileName } from '../machines/index.js';
import { DEFAULT_PROFILE, MACHINES, machineGraph, PROFILES } from '../machines/index.js';
import type { ChartDocument } from './chart-json.js';
import { chartDocument } from './chart-json.js';
import { happyPath } from './spine.js';

/** What a chart is drawn for: the profile (default: current upstream) and the multifd channel count. @public */
export interface ChartOptions {
  readonly profile?: ProfileName;
  /** Multifd channels; the machines default to 2, which shows the regions without cluttering the chart. */
  readonly channels?: number;
}

/** The kind of a state node, as XState names it. @public */
export type NodeKind = AnyStateNode['type'];

/**
 * Everything a renderer needs: the public document plus the nesting the document leaves implicit
 * (which states are regions, which are final, where each compound state starts).
 * @public
 */
export interface ChartModel {
  readonly document: ChartDocument;
  /** The root's kind: `parallel` for the multifd machines, `compound` otherwise. */
  readonly rootKind: NodeKind;
  /** Each state's kind, by dotted path. */
  readonly kinds: Readonly<Record<string, NodeKind>>;
  /** The initial child of each compound state by parent path; the root is `''`. */
  readonly initials: Readonly<Record<string, string>>;
  /** The happy path (see {@link happyPath}), first state first; a single state when the bring-up does not move it. */
  readonly spine: readonly string[];
}

/** Builds the machine for `name` and reads its chart model. @public */
export function loadChart(name: MachineName, options: ChartOptions = {}): ChartModel {
  const profile = options.profile ? PROFILES[options.profile] : DEFAULT_PROFILE;
  const machine = MACHINES[name].create({
    profile,
    ...(options.channels === undefined ? {} : { channels: options.channels }),
  });
  const kinds: Record<string, NodeKind> = {};
  const initials: Record<string, string> = {};
  const visit = (node: AnyStateNode): void => {
    const path = node.path.join('.');
    if (node !== machine.root) kinds[path] = node.type;
    const first = node.type === 'compound' ? node.initial?.target[0] : undefined;
    if (first) initials[path] = first.path.join('.');
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  const document = chartDocument(name, profile.name, machineGraph(machine));
  return { document, rootKind: machine.root.type, kinds, initials, spine: happyPath(machine, profile) };
}

/** The direct children of `parent` (`''` for the root), in definition order. @public */
export function childrenOf(model: ChartModel, parent: string): string[] {
  const depth = parent === '' ? 0 : parent.split('.').length;
  const prefix = parent === '' ? '' : `${parent}.`;
  return model.document.states.filter((s) => s.startsWith(prefix) && s.split('.').length === depth + 1);
}

/** The part of a dotted path after its parent: the name QEMU gives the state. @public */
export const leafName = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** A transition's label: the event, then the guard in brackets as UML writes it. @public */
export const edgeLabel = (event: string, guard: string | null): string =>
  guard === null ? event : `${event} [${guard}]`;
