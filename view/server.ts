import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadChart } from '../charts/model.js';
import { renderChart } from '../charts/render.js';
import { MACHINE_NAMES, type MachineName, PROFILE_NAMES, type ProfileName } from '../machines/index.js';
import { LiveHub, type LiveView } from './live.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';
import type { Playback } from './playback.js';

/** The only address the view listens on: it is a local tool and serves no one else. @public */
export const VIEW_HOST = '127.0.0.1';

/**
 * The Host header values the view answers: its loopback address and the name `localhost`, each with the
 * bound port. Anything else (another name, another port, no Host at all) gets 403.
 * @example viewHosts(8080) // Set { '127.0.0.1:8080', 'localhost:8080' }
 * @public
 */
export const viewHosts = (port: number): ReadonlySet<string> =>
  new Set([`${VIEW_HOST}:${port}`, `localhost:${port}`]);

/** What {@link startView} serves. @public */
export interface ViewOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  /** The running nodes to follow (a new empty hub when absent). */
  readonly hub?: LiveHub;
  /** A counterexample or QMP log to play. */
  readonly playback?: Playback;
  /** The profile the charts start with when nothing runs (default: the playback's, else qemu-11.0). */
  readonly profile?: ProfileName;
  /** True when live nodes are (or will be) followed: the page opens on the live tab. */
  readonly live?: boolean;
}

/** A running view server. @public */
export interface ViewServer {
  readonly url: string;
  readonly port: number;
  readonly hub: LiveHub;
  close(): Promise<void>;
}

/** One chart as the page gets it: both views as SVG, and the states the edges' `p-i-j` classes index. @public */
export interface ViewChart {
  readonly name: MachineName;
  /** Every state, in the order of charts/dot.ts `pairClass`. */
  readonly states: readonly string[];
  /** How many transitions the machine's introspection has: the full view draws one edge each. */
  readonly transitions: number;
  readonly overview: string;
  readonly full: string;
}

const chartCache = new Map<ProfileName, Promise<ViewChart[]>>();

/** Every machine's chart (the machines' registry names them) for a profile, rendered once per process. */
function charts(profile: ProfileName): Promise<ViewChart[]> {
  let cached = chartCache.get(profile);
  if (!cached) {
    cached = Promise.all(
      MACHINE_NAMES.map(async (name) => {
        const { document } = loadChart(name, { profile });
        return {
          name,
          states: document.states,
          transitions: document.transitions.length,
          overview: await renderChart(name, { profile, format: 'svg', view: 'overview' }),
          full: await renderChart(name, { profile, format: 'svg', view: 'full' }),
        };
      }),
    );
    chartCache.set(profile, cached);
    cached.catch(() => chartCache.delete(profile));
  }
  return cached;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown, status = 200) =>
  send(res, status, 'application/json', JSON.stringify(value));

/**
 * Starts the view: a page on 127.0.0.1 with every machine's chart, the live pair (Server-Sent Events on
 * `/api/live`, one message per change) and the playback. Serves only its own assets; works offline.
 * @example const view = await startView({ playback: await loadPlayback('trace.json') }); console.log(view.url);
 * @public
 */
export async function startView(options: ViewOptions = {}): Promise<ViewServer> {
  const hub = options.hub ?? new LiveHub(options.profile ?? options.playback?.profile ?? 'qemu-11.0');
  const streams = new Set<ServerResponse>();
  const broadcast = (view: LiveView) => {
    const frame = `data: ${JSON.stringify(view)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  hub.on('change', broadcast);
  const defaultProfile = options.profile ?? options.playback?.profile ?? hub.snapshot().profile;

  let allowedHosts: ReadonlySet<string> = new Set();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a page on evil.example.com resolved to 127.0.0.1 would read the pair's state; the
    // browser still sends the attacker's name in Host, so only the bound loopback name and port are served.
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase()))
      return send(res, 403, 'text/plain', `forbidden: Host must be ${[...allowedHosts].join(' or ')}\n`);
    const url = new URL(req.url ?? '/', `http://${VIEW_HOST}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    switch (url.pathname) {
      case '/':
      case '/index.html':
        return send(res, 200, 'text/html', PAGE_HTML);
      case '/view.js':
        return send(res, 200, 'text/javascript', PAGE_JS);
      case '/view.css':
        return send(res, 200, 'text/css', PAGE_CSS);
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      case '/api/info':
        return sendJson(res, {
          profile: hub.snapshot().sides.length > 0 ? hub.snapshot().profile : defaultProfile,
          live: options.live ?? hub.snapshot().sides.length > 0,
          playback: options.playback !== undefined,
          profiles: PROFILE_NAMES,
        });
      case '/api/charts': {
        const name = url.searchParams.get('profile') ?? defaultProfile;
        const profile = PROFILE_NAMES.find((p) => p === name);
        if (!profile) return sendJson(res, { error: `unknown profile ${name}` }, 404);
        return sendJson(res, { profile, charts: await charts(profile) });
      }
      case '/api/state':
        return sendJson(res, hub.snapshot());
      case '/api/trace':
        return options.playback
          ? sendJson(res, options.playback)
          : sendJson(res, { error: 'no trace: start with --trace FILE' }, 404);
      case '/api/live': {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(`retry: 1000\ndata: ${JSON.stringify(hub.snapshot())}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, { error: error instanceof Error ? error.message : String(error) }, 500);
      else res.end();
    });
  });
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15000);
  keepAlive.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, VIEW_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = viewHosts(port);
  return {
    url: `http://${VIEW_HOST}:${port}/`,
    port,
    hub,
    close: async () => {
      clearInterval(keepAlive);
      hub.off('change', broadcast);
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
