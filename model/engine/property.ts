/** The three temporal shapes a property can take. */
export type PropertyKind = 'always' | 'sometimes' | 'eventually';

/** A named predicate over states with a temporal reading. */
export interface Property<S> {
  /** The name shown in reports. */
  readonly name: string;
  /** How the predicate is quantified over paths. */
  readonly kind: PropertyKind;
  /** The predicate. */
  readonly holds: (state: S) => boolean;
}

/** Constructors for properties, as in stateright's `Property::always/sometimes/eventually`. */
export const Property = {
  /** Safety: `holds` is true in every reachable state. */
  always<S>(name: string, holds: (state: S) => boolean): Property<S> {
    return { name, kind: 'always', holds };
  },
  /** Reachability: some reachable state satisfies `holds` (an example trace is reported). */
  sometimes<S>(name: string, holds: (state: S) => boolean): Property<S> {
    return { name, kind: 'sometimes', holds };
  },
  /**
   * Liveness: every maximal path from an initial state reaches a state satisfying `holds`. A maximal
   * path ends in a state without successors or goes on forever; see liveness.ts for the fairness assumed.
   */
  eventually<S>(name: string, holds: (state: S) => boolean): Property<S> {
    return { name, kind: 'eventually', holds };
  },
} as const;
