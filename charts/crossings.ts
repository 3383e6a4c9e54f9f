import { pairClass } from './dot.js';
import type { ChartModel } from './model.js';

/** A point in the SVG's own units. */
interface Point {
  readonly x: number;
  readonly y: number;
}

/** A box in the SVG's own units. */
interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** One edge as Graphviz drew it: its title (`from->to`, ends maybe with a port), its classes and its spline. */
interface DrawnSpline {
  readonly title: string;
  readonly classes: readonly string[];
  readonly points: readonly Point[];
}

/** Graphviz escapes `-`, `>` and `<` in titles and classes; these are all the entities it writes there. */
const unescapeEntities = (text: string): string =>
  text.replaceAll('&#45;', '-').replaceAll('&gt;', '>').replaceAll('&lt;', '<').replaceAll('&amp;', '&');

const numbersOf = (d: string): number[] => (d.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? []).map(Number);

/** The points of a Graphviz edge path (`M x,y C x,y x,y x,y …`), sampled at most one unit apart. */
function samplePath(d: string): Point[] {
  const n = numbersOf(d);
  const points: Point[] = [{ x: n[0] ?? 0, y: n[1] ?? 0 }];
  for (let i = 2; i + 5 < n.length; i += 6) {
    const p0 = points.at(-1) as Point;
    const c = [
      p0,
      { x: n[i]!, y: n[i + 1]! },
      { x: n[i + 2]!, y: n[i + 3]! },
      { x: n[i + 4]!, y: n[i + 5]! },
    ];
    // the control polygon is at least as long as the curve, so this many steps keeps samples ≤ 1 unit apart
    const hull = c.slice(1).reduce((sum, q, k) => sum + Math.hypot(q.x - c[k]!.x, q.y - c[k]!.y), 0);
    const steps = Math.max(1, Math.ceil(hull));
    for (let s = 1; s <= steps; s++) {
      const t = s / steps;
      const u = 1 - t;
      const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
      points.push({
        x: w.reduce((sum, wk, k) => sum + wk * c[k]!.x, 0),
        y: w.reduce((sum, wk, k) => sum + wk * c[k]!.y, 0),
      });
    }
  }
  return points;
}

/** The states' boxes (from each node's outline) and the edges' splines of a Graphviz SVG. */
function parseDrawing(svg: string): { boxes: Map<string, Box>; edges: DrawnSpline[] } {
  const boxes = new Map<string, Box>();
  const edges: DrawnSpline[] = [];
  const group = /<g id="(node|edge)\d+" class="([^"]*)">\s*<title>([^<]*)<\/title>\s*(<[^>]*>)/g;
  for (const [, kind, classes, title, shape] of svg.matchAll(group)) {
    const d = shape?.match(/ d="([^"]*)"/)?.[1];
    const text = d ?? shape?.match(/ points="([^"]*)"/)?.[1] ?? '';
    if (kind === 'node') {
      const n = numbersOf(text);
      const xs = n.filter((_, i) => i % 2 === 0);
      const ys = n.filter((_, i) => i % 2 === 1);
      if (xs.length === 0) continue;
      boxes.set(unescapeEntities(title ?? ''), {
        x0: Math.min(...xs),
        y0: Math.min(...ys),
        x1: Math.max(...xs),
        y1: Math.max(...ys),
      });
    } else if (d) {
      edges.push({
        title: unescapeEntities(title ?? ''),
        classes: unescapeEntities(classes ?? '').split(' '),
        points: samplePath(d),
      });
    }
  }
  return { boxes, edges };
}

/** The two state names of an edge's title, ports dropped (`active:s->colo` is active and colo). */
const endsOf = (title: string): string[] => title.split('->').map((end) => end.replace(/:[a-z]+$/, ''));

/**
 * The edges that cross the happy path in a chart drawn by Graphviz: every edge not on the path that comes
 * within 1.5 units of a path edge, away from the path's states (6 units) and from a state both edges
 * touch (40 units, where edges leaving one state start out together). This is the measure
 * `test/view/happy-path.test.ts` takes in Chromium, made on Graphviz's own splines so the layout can be
 * chosen without a browser. Each crossing is `EDGE crosses SPINE-EDGE`, by their titles.
 * @example spineCrossings(await renderSvg(renderDot(model)), model) // [] when nothing crosses
 * @public
 */
export function spineCrossings(svg: string, model: ChartModel): string[] {
  const { spine, document } = model;
  if (spine.length < 2) return [];
  const { boxes, edges } = parseDrawing(svg);
  const spineClasses = spine.slice(1).map((to, i) => pairClass(document.states, spine[i]!, to));
  const near = (p: Point, names: readonly string[], pad: number): boolean =>
    names.some((name) => {
      const b = boxes.get(name);
      return b !== undefined && p.x > b.x0 - pad && p.x < b.x1 + pad && p.y > b.y0 - pad && p.y < b.y1 + pad;
    });
  const spineEdges = edges.filter((e) => e.classes.some((c) => spineClasses.includes(c)));
  const crossings: string[] = [];
  for (const edge of edges) {
    if (spineEdges.includes(edge)) continue;
    const crossed = spineEdges.find((path) => {
      const shared = endsOf(edge.title).filter((n) => endsOf(path.title).includes(n));
      const away = (p: Point) => !near(p, spine, 6) && !near(p, shared, 40);
      // path samples hashed by 2-unit cells: a point is checked against its own cell and the eight around it
      const cells = new Map<string, Point[]>();
      for (const q of path.points.filter(away)) {
        const key = `${Math.floor(q.x / 2)},${Math.floor(q.y / 2)}`;
        const cell = cells.get(key);
        if (cell) cell.push(q);
        else cells.set(key, [q]);
      }
      return edge.points.some((p) => {
        if (!away(p)) return false;
        const cx = Math.floor(p.x / 2);
        const cy = Math.floor(p.y / 2);
        for (let dx = -1; dx <= 1; dx++)
          for (let dy = -1; dy <= 1; dy++)
            for (const q of cells.get(`${cx + dx},${cy + dy}`) ?? [])
              if (Math.abs(p.x - q.x) < 1.5 && Math.abs(p.y - q.y) < 1.5) return true;
        return false;
      });
    });
    if (crossed) crossings.push(`${edge.title} crosses ${crossed.title}`);
  }
  return crossings;
}
