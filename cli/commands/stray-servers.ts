import { Server } from 'node:net';

/**
 * A workaround for runtime/node: the secondary's migration listener (listenLink's server) is never closed,
 * not even by `node.kill()`, and keeps the process alive after the run. The CLI finds it among the
 * process's handles (`process._getActiveHandles`, undocumented but stable since Node 0.x) and closes it.
 * Remove this when NodeRuntime closes its own listener.
 */
function listeningServers(): Server[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.filter((h): h is Server => h instanceof Server && h.listening);
}

/** The servers listening now, to tell the ones a run leaves behind. */
export function serversNow(): Set<Server> {
  return new Set(listeningServers());
}

/** Closes the servers opened since `before` (on `port` only, if given). */
export function closeStrayServers(before: ReadonlySet<Server>, port?: number): void {
  for (const server of listeningServers()) {
    if (before.has(server)) continue;
    const address = server.address();
    if (port !== undefined && !(typeof address === 'object' && address?.port === port)) continue;
    server.close();
  }
}
