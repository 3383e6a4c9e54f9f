/**
 * State is the fold of the log (design.md): a projection replays events through a reducer that edits an
 * immer draft, so the aggregate (counters, checkpoint statistics) is immutable between events.
 * @packageDocumentation
 */
import { type Draft, produce } from 'immer';
import type { LogEvent } from './event.js';

/** Edits the draft for one event. @public */
export type Reducer<S> = (draft: Draft<S>, event: LogEvent) => void;

/** Folds `events` into a state, starting from `initial`. @public */
export function fold<S>(events: Iterable<LogEvent>, reducer: Reducer<S>, initial: S): S {
  let state = initial;
  for (const event of events)
    state = produce(state, (draft: Draft<S>) => {
      reducer(draft, event);
    });
  return state;
}

/** A ready projection: how many events of each type. @public */
export const countByType: Reducer<Record<string, number>> = (draft, event) => {
  draft[event.type] = (draft[event.type] ?? 0) + 1;
};
