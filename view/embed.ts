import { type DemoOptions, type DemoResult, runDemo } from '../runtime/demo/run-demo.js';
import { withStartedNodes } from './capture.js';
import { followRuntime, LiveHub } from './live.js';
import { startView, type ViewServer } from './server.js';

/** Options of {@link runDemoWithView}. @public */
export interface DemoViewOptions {
  readonly port?: number;
  /** Called with the page's address before the demo starts (a test opens the page here). */
  readonly onReady?: (view: ViewServer) => void | Promise<void>;
}

/**
 * Runs the demo with the view beside it: the view starts first, then runDemo, whose two nodes are
 * followed in-process as they start. The caller closes the returned view (after lingering, if it likes).
 * @public
 */
export async function runDemoWithView(
  demo: DemoOptions,
  options: DemoViewOptions = {},
): Promise<{ result: DemoResult; view: ViewServer }> {
  const hub = new LiveHub(demo.profile.name, demo.multifd);
  const view = await startView({
    hub,
    live: true,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  try {
    await options.onReady?.(view);
    const stops: Array<() => void> = [];
    try {
      const result = await withStartedNodes(
        (node) => stops.push(followRuntime(hub, node)),
        () => runDemo(demo),
      );
      return { result, view };
    } finally {
      for (const stop of stops) stop();
    }
  } catch (error) {
    await view.close();
    throw error;
  }
}
