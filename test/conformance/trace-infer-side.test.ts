import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { inferSide, splitLog } from '../../conformance/trace/index.js';
import { run } from '../cli/run.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const event = (name: string, data: object) =>
  JSON.stringify({ event: name, data, timestamp: { seconds: 1, microseconds: 0 } });

describe('the side a QMP log tells by itself', () => {
  it('trace check without --side judges a secondary log as incoming and says which line told it', async () => {
    const { code, stdout } = await run('trace', 'check', fixture('secondary-failover-7.2-incoming.jsonl'));
    expect(stdout).toMatch(/conforms to qemu-7\.2 \(incoming, from line \d+: migrate-incoming\)/);
    expect(code).toBe(0);
    // the same log held as a source's is what the issue saw: a violation
    expect(
      (await run('trace', 'check', fixture('secondary-failover-7.2-incoming.jsonl'), '--side', 'source'))
        .code,
    ).toBe(1);
  });

  it('reads migrate, migrate-incoming, a COLO_EXIT mode or a query-colo-status reply, whichever comes first', async () => {
    const primary = splitLog(await readFile(fixture('primary-failover-7.2-source.jsonl'), 'utf8'));
    expect(inferSide(primary)).toMatchObject({ side: 'source', because: 'migrate' });
    expect(inferSide(['{"QMP":{}}', event('COLO_EXIT', { mode: 'secondary', reason: 'request' })])).toEqual({
      side: 'incoming',
      line: 2,
      because: 'COLO mode secondary',
    });
    const query = ['{"execute":"query-colo-status","id":7}', '{"return":{"mode":"primary"},"id":7}'];
    expect(inferSide(query)).toEqual({ side: 'source', line: 2, because: 'COLO mode primary' });
    expect(inferSide(['{"QMP":{}}', event('RESUME', {})])).toBeNull();
  });
});
