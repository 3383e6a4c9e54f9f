import { EventEmitter } from 'node:events';
import { QmpClient } from '../conformance/qmp/index.js';
import type { MachineName, NodeRole, ProfileName } from '../machines/index.js';
import { PROFILE_NAMES } from '../machines/index.js';
import type { NodeRuntime } from '../runtime/node/index.js';
import { machineStates } from './states.js';

/** One checkpoint in the timeline: as the primary measured it. @public */
export interface TimelineCheckpoint {
  readonly checkpoint: number;
  readonly pauseMs: number;
  readonly dirtyPages: number;
  readonly bytes: number;
}

/** What the page shows of one running node. @public */
export interface SideView {
  readonly id: string;
  readonly role: NodeRole;
  /** `runtime`: a NodeRuntime in this process; `lockstep`/`qemu`: a QMP socket. */
  readonly origin: 'runtime' | 'lockstep' | 'qemu';
  readonly label: string;
  readonly alive: boolean;
  /** MIGRATION status (query-migrate's `status`). */
  readonly status: string;
  readonly colo: string | null;
  readonly failover: string | null;
  readonly vm: string | null;
  readonly checkpoints: number;
  /** Active state paths per chart, as charts/dot.ts names its nodes. */
  readonly states: Partial<Record<MachineName, string[]>>;
  /** The last QMP events, newest last. */
  readonly events: ReadonlyArray<{ readonly event: string; readonly data?: unknown }>;
}

/** The live part of the page. @public */
export interface LiveView {
  readonly profile: ProfileName;
  readonly multifd: number;
  readonly sides: readonly SideView[];
  readonly checkpoints: readonly TimelineCheckpoint[];
  /** Bumped on every change. */
  readonly version: number;
}

const MAX_EVENTS = 40;

/**
 * The running nodes the view follows. Sources call {@link LiveHub.update}; the server sends every change
 * to the page (`change` event), so no state the page should highlight is skipped.
 * @public
 */
export class LiveHub extends EventEmitter {
  private readonly sides = new Map<string, SideView>();
  private timeline: readonly TimelineCheckpoint[] = [];
  private version = 0;
  private lastKey = '';

  constructor(
    private profile: ProfileName = 'qemu-11.0',
    private multifd = 0,
  ) {
    super();
  }

  /** Replaces (part of) a side; emits `change` when something the page shows differs. */
  update(id: string, side: Partial<SideView> & Pick<SideView, 'role' | 'origin' | 'label'>): void {
    const old = this.sides.get(id);
    const next: SideView = {
      id,
      alive: true,
      status: 'none',
      colo: null,
      failover: null,
      vm: null,
      checkpoints: 0,
      states: {},
      events: [],
      ...old,
      ...side,
    };
    this.sides.set(id, next);
    this.changed();
  }

  /** Appends a QMP event to a side's list. */
  event(id: string, event: string, data?: unknown): void {
    const old = this.sides.get(id);
    if (!old) return;
    const events = [...old.events, data === undefined ? { event } : { event, data }].slice(-MAX_EVENTS);
    this.sides.set(id, { ...old, events });
    this.changed();
  }

  /** The run's settings (profile, multifd channels) and the primary's checkpoint figures. */
  setRun(run: {
    profile?: ProfileName;
    multifd?: number;
    checkpoints?: readonly TimelineCheckpoint[];
  }): void {
    if (run.profile !== undefined) this.profile = run.profile;
    if (run.multifd !== undefined) this.multifd = run.multifd;
    if (run.checkpoints !== undefined) this.timeline = run.checkpoints;
    this.changed();
  }

  snapshot(): LiveView {
    const order = (s: SideView) => (s.role === 'primary' ? 0 : 1);
    return {
      profile: this.profile,
      multifd: this.multifd,
      sides: [...this.sides.values()].sort((a, b) => order(a) - order(b)),
      checkpoints: this.timeline,
      version: this.version,
    };
  }

  private changed(): void {
    const { version: _, ...rest } = this.snapshot();
    const key = JSON.stringify(rest);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.version++;
    this.emit('change', this.snapshot());
  }
}

const checkpointsOf = (node: NodeRuntime): TimelineCheckpoint[] =>
  node.stats.checkpoints.map(({ checkpoint, pauseMs, dirtyPages, bytes }) => ({
    checkpoint,
    pauseMs,
    dirtyPages,
    bytes,
  }));

/**
 * Follows a NodeRuntime in this process: every applied input updates its side, QMP events are listed,
 * and a primary's checkpoint statistics feed the timeline. Returns a function that stops following.
 * @public
 */
export function followRuntime(hub: LiveHub, node: NodeRuntime): () => void {
  const { role } = node.options;
  const id = role;
  const label = `${role} (in-process)`;
  const refresh = () => {
    const { state } = node;
    hub.update(id, {
      role,
      origin: 'runtime',
      label,
      alive: !node.killed,
      status: String(role === 'primary' ? state.source.value : state.incoming.value),
      colo: state.colo ? String(state.colo.value) : null,
      failover: String(state.failover.value),
      vm: state.vm,
      checkpoints: state.checkpoints,
      states: machineStates(state),
    });
    if (role === 'primary') hub.setRun({ checkpoints: checkpointsOf(node) });
  };
  const onEffect = (effect: { kind: string; event?: string; data?: unknown }) => {
    if (effect.kind === 'qmp-event' && effect.event) hub.event(id, effect.event, effect.data);
  };
  hub.setRun({ profile: node.options.profile.name, multifd: node.options.multifd });
  refresh();
  node.on('applied', refresh);
  node.on('effect', onEffect);
  node.on('killed', refresh);
  return () => {
    node.off('applied', refresh);
    node.off('effect', onEffect);
    node.off('killed', refresh);
  };
}

/** What x-lockstep-status returns, as far as the view reads it. */
interface LockstepStatus {
  readonly role: NodeRole;
  readonly profile: string;
  readonly status: string;
  readonly colo: string | null;
  readonly failover: string;
  readonly vm: string;
  readonly checkpoints: number;
  readonly killed?: boolean;
  readonly stats?: { readonly checkpoints?: TimelineCheckpoint[] };
  readonly parameters?: { readonly effective?: Record<string, number> };
}

const isProfile = (name: string): name is ProfileName => (PROFILE_NAMES as readonly string[]).includes(name);

/**
 * Follows a node over QMP. A lockstep node answers x-lockstep-status (every machine's state, the
 * checkpoint figures); a real QEMU answers query-migrate and query-colo-status, so only the migration
 * status and the COLO mode are shown. Re-queries on every event and every `pollMs`. Resolves once connected;
 * the returned function disconnects.
 * @public
 */
export async function followQmp(
  hub: LiveHub,
  path: string,
  index: number,
  pollMs = 500,
): Promise<() => Promise<void>> {
  const client = await QmpClient.connect({ path }, { timeoutMs: 3000 });
  const id = `qmp-${index}`;
  let role: NodeRole = index === 0 ? 'primary' : 'secondary';
  let origin: 'lockstep' | 'qemu' = 'lockstep';
  let closed = false;
  let busy = false;
  const label = () => `${role} (${origin === 'qemu' ? 'QEMU' : 'lockstep'}, ${path})`;
  const refresh = async (): Promise<void> => {
    if (busy || closed) return;
    busy = true;
    try {
      if (origin === 'lockstep') {
        try {
          const st = (await client.execute('x-lockstep-status')) as LockstepStatus;
          role = st.role;
          const migration: MachineName = role === 'primary' ? 'migration-source' : 'migration-incoming';
          const coloChart: MachineName = role === 'primary' ? 'colo-primary' : 'colo-secondary';
          hub.update(id, {
            role,
            origin,
            label: label(),
            alive: st.killed !== true,
            status: st.status,
            colo: st.colo,
            failover: st.failover,
            vm: st.vm,
            checkpoints: st.checkpoints,
            states: {
              [migration]: [st.status],
              failover: [st.failover],
              ...(st.colo ? { [coloChart]: [st.colo] } : {}),
            },
          });
          if (isProfile(st.profile)) hub.setRun({ profile: st.profile });
          if (role === 'primary')
            hub.setRun({
              multifd: st.parameters?.effective?.['multifd-channels'] ?? 0,
              checkpoints: st.stats?.checkpoints ?? [],
            });
          return;
        } catch {
          origin = 'qemu';
        }
      }
      const migrate = (await client.execute('query-migrate')) as { status?: string };
      const colo = (await client.execute('query-colo-status').catch(() => null)) as {
        mode?: string;
      } | null;
      if (colo?.mode === 'primary' || colo?.mode === 'secondary') role = colo.mode;
      const status = migrate.status ?? 'none';
      const migration: MachineName = role === 'primary' ? 'migration-source' : 'migration-incoming';
      hub.update(id, {
        role,
        origin,
        label: label(),
        status,
        colo: colo?.mode ?? null,
        states: { [migration]: [status] },
      });
    } catch {
      // the node went away: closed below
    } finally {
      busy = false;
    }
  };
  client.onEvent((event) => {
    hub.event(id, event.event, event.data);
    // MIGRATION carries the status itself: show it before the query answers
    const status =
      event.event === 'MIGRATION' ? (event.data as { status?: string } | undefined)?.status : undefined;
    if (status && origin === 'qemu') {
      const migration: MachineName = role === 'primary' ? 'migration-source' : 'migration-incoming';
      hub.update(id, { role, origin, label: label(), status, states: { [migration]: [status] } });
    }
    void refresh();
  });
  await refresh();
  const timer = setInterval(() => void refresh(), pollMs);
  timer.unref();
  void client.closed.then(() => {
    closed = true;
    clearInterval(timer);
    hub.update(id, { role, origin, label: label(), alive: false });
  });
  return async () => {
    closed = true;
    clearInterval(timer);
    await client.close();
  };
}
