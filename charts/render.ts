import type { MachineName } from '../machines/index.js';
import { formatChartJson } from './chart-json.js';
import type { ChartView } from './dot.js';
import { layoutChart } from './layout.js';
import { renderMermaid } from './mermaid.js';
import type { ChartOptions } from './model.js';
import { loadChart } from './model.js';

/** The output formats of `lockstep chart`. @public */
export const CHART_FORMATS = ['mermaid', 'dot', 'svg', 'json'] as const;
/** A chart format. @public */
export type ChartFormat = (typeof CHART_FORMATS)[number];

/** The file extension each format is written with. @public */
export const CHART_EXTENSIONS: Readonly<Record<ChartFormat, string>> = {
  mermaid: 'mmd',
  dot: 'dot',
  svg: 'svg',
  json: 'json',
};

/** What to render: {@link ChartOptions} plus the format (default: mermaid) and the view (default: overview). @public */
export interface RenderOptions extends ChartOptions {
  readonly format?: ChartFormat;
  /** DOT and SVG only: the overview with grouped edges, or every transition (`full`). */
  readonly view?: ChartView;
}

/**
 * Renders one machine's chart as text. Asynchronous because SVG needs the Graphviz WebAssembly module;
 * the other formats are computed synchronously.
 * @example await renderChart('failover', { profile: 'qemu-7.2', format: 'dot' })
 * @public
 */
export async function renderChart(name: MachineName, options: RenderOptions = {}): Promise<string> {
  const model = loadChart(name, options);
  switch (options.format ?? 'mermaid') {
    case 'mermaid':
      return renderMermaid(model);
    case 'dot':
      return (await layoutChart(model, options.view)).dot;
    case 'svg':
      return (await layoutChart(model, options.view)).svg;
    case 'json':
      return formatChartJson(model.document);
  }
}
