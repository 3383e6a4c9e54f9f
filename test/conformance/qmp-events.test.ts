import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, type QmpEvent } from '../../conformance/qmp/index.js';
import { FakeQmpServer } from './support/fake-qmp-server.js';

let server: FakeQmpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('QMP events', () => {
  it('arrive on the async iterator and on listeners, in order', async () => {
    server = await FakeQmpServer.start();
    const qmp = await QmpClient.connect({ path: server.path });
    const heard: string[] = [];
    qmp.onEvent((event) => heard.push(event.event));
    const stream = qmp.events();
    server.emit('MIGRATION', { status: 'setup' });
    server.emit('STOP');
    const seen: QmpEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => e.event)).toEqual(['MIGRATION', 'STOP']);
    expect(seen[0]!.data).toEqual({ status: 'setup' });
    expect(heard).toEqual(['MIGRATION', 'STOP']);
    await qmp.close();
  });

  it('end the iterator when the connection closes', async () => {
    server = await FakeQmpServer.start();
    const qmp = await QmpClient.connect({ path: server.path });
    const stream = qmp.events();
    await server.stop();
    server = undefined;
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});

describe('QMP recorder', () => {
  it('writes every wire object unmodified, one per line', async () => {
    server = await FakeQmpServer.start({
      handlers: { 'query-status': () => ({ return: { status: 'running' } }) },
    });
    const file = `${server.path}.jsonl`;
    const qmp = await QmpClient.connect({ path: server.path }, { recordTo: file });
    const stream = qmp.events();
    await qmp.execute('query-status');
    server.emit('RESUME', undefined, 1700000000);
    await stream.next();
    await qmp.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(objects[0]!)).toEqual(['QMP']);
    expect(objects[1]).toEqual({
      execute: 'qmp_capabilities',
      arguments: { enable: ['oob'] },
      id: 'lockstep-1',
    });
    expect(objects[2]).toEqual({ return: {}, id: 'lockstep-1' });
    expect(objects[3]).toEqual({ execute: 'query-status', id: 'lockstep-2' });
    expect(objects[4]).toEqual({ return: { status: 'running' }, id: 'lockstep-2' });
    expect(objects[5]).toEqual({ event: 'RESUME', timestamp: { seconds: 1700000000, microseconds: 0 } });
    expect(lines.every((line) => !line.endsWith('\r'))).toBe(true);
  });

  it('ends at close(): what arrives after it is neither recorded nor delivered', async () => {
    server = await FakeQmpServer.start();
    const file = `${server.path}.jsonl`;
    const qmp = await QmpClient.connect({ path: server.path }, { recordTo: file });
    const heard: string[] = [];
    const closed = new Promise<void>((resolve) =>
      qmp.onEvent((event) => {
        heard.push(event.event);
        if (heard.length === 1) resolve(qmp.close());
      }),
    );
    // the peer's teardown: its COLO_EXIT is already on the wire when the user stops listening
    server.emitTogether(['STOP', 'COLO_EXIT']);
    await closed;
    expect(heard).toEqual(['STOP']);
    const events = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((object) => 'event' in object);
    expect(events.map((object) => object.event)).toEqual(['STOP']);
  });
});
