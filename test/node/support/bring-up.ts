import type { Profile } from '../../../index.js';
import { MemoryPair } from './memory-pair.js';

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/** Precopy into COLO as a test script would drive two QEMUs (seeds/001), then settle. */
export function bringUp(profile: Profile): MemoryPair {
  const pair = new MemoryPair(profile);
  pair.qmp('secondary', 'migrate-set-capabilities', X_COLO);
  pair.qmp('secondary', 'migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
  pair.qmp('primary', 'migrate-set-capabilities', X_COLO);
  pair.qmp('primary', 'cont');
  pair.qmp('primary', 'migrate', { uri: 'tcp:127.0.0.1:0' });
  if (profile.incomingSetup) pair.apply('secondary', { kind: 'migration', event: 'load-start' });
  else pair.apply('secondary', { kind: 'migration', event: 'load-start' });
  if (profile.enableColoCommand) pair.apply('secondary', { kind: 'migration', event: 'enable-colo' });
  pair.apply('primary', { kind: 'migration', event: 'setup-done' });
  if (profile.switchoverThroughDevice) pair.apply('primary', { kind: 'migration', event: 'switchover' });
  pair.apply('primary', { kind: 'migration', event: 'completion-done' });
  pair.apply('secondary', { kind: 'migration', event: 'stream-loaded' });
  pair.settle();
  return pair;
}
