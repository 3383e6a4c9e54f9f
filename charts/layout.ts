import { spineCrossings } from './crossings.js';
import type { ChartView } from './dot.js';
import { renderDot, spineBorderEdges } from './dot.js';
import { chartGroups } from './groups.js';
import type { ChartModel } from './model.js';
import { renderSvg } from './svg.js';

/** The width Graphviz gives a drawing, in points. */
const widthOf = (svg: string): number =>
  Number(svg.match(/<svg width="([\d.]+)pt"/)?.[1] ?? Number.POSITIVE_INFINITY);

/** The longest a happy-path edge is stretched (in ranks) while looking for a layout nothing crosses it in. @public */
export const MAX_SPINE_STRETCH = 4;

/** A chart laid out: its DOT, the SVG Graphviz drew from it, and what still crosses the happy path. @public */
export interface ChartLayout {
  readonly dot: string;
  readonly svg: string;
  /** The happy-path stretch used (see `DotLayout`); 1 when the shortest edges already kept the path clear. */
  readonly spineStretch: number;
  /**
   * Edges that cross the happy path ({@link spineCrossings}): empty unless no stretch cleared them. `null` when
   * no happy-path edge crosses a box's border: there is no other layout to choose, so nothing was measured.
   */
  readonly crossings: readonly string[] | null;
}

/**
 * Lays a chart out so that no edge crosses its happy path. Graphviz draws the path straight while it stays
 * in one group box; where it leaves a box (under qemu-7.2 the source goes from active, inside
 * "on migrate_cancel", to colo, outside it) the next state lands beside the box and the other edges
 * leaving the box with it can cut across the path. So the edges that cross a box's border are lengthened one
 * rank at a time (up to MAX_SPINE_STRETCH) until Graphviz's own splines show no crossing. The first clear
 * layout wins unless it is wider than the shortest layout (the overview's width decides its text size at
 * 1280 px): then the narrowest clear one does. If none is clear, the one with the fewest crossings
 * (test/view/happy-path.test.ts would then fail). A chart whose path stays inside its boxes is drawn once,
 * unmeasured.
 * Graphviz is pinned, so the same machine always gives the same layout.
 * @example (await layoutChart(loadChart('migration-source', { profile: 'qemu-7.2' }), 'overview')).crossings // []
 * @public
 */
export async function layoutChart(model: ChartModel, view: ChartView = 'overview'): Promise<ChartLayout> {
  if (spineBorderEdges(model, chartGroups(model)).size === 0) {
    const dot = renderDot(model, view);
    return { dot, svg: await renderSvg(dot), spineStretch: 1, crossings: null };
  }
  let best: ChartLayout | undefined;
  let bestWidth = Number.POSITIVE_INFINITY;
  let shortestWidth = Number.POSITIVE_INFINITY;
  for (let spineStretch = 1; spineStretch <= MAX_SPINE_STRETCH; spineStretch++) {
    const dot = renderDot(model, view, { spineStretch });
    const svg = await renderSvg(dot);
    const crossings = spineCrossings(svg, model);
    const width = widthOf(svg);
    if (spineStretch === 1) shortestWidth = width;
    const fewer = crossings.length < (best?.crossings?.length ?? Number.POSITIVE_INFINITY);
    const narrower = crossings.length === 0 && best?.crossings?.length === 0 && width < bestWidth;
    if (fewer || narrower) {
      best = { dot, svg, spineStretch, crossings };
      bestWidth = width;
    }
    // the overview's width decides its text size in a 1280 px window: a clear layout wider than the
    // shortest one keeps the search going for a narrower clear one
    if (crossings.length === 0 && width <= shortestWidth) break;
  }
  return best as ChartLayout;
}
