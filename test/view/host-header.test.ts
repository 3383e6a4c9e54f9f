import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startView, type ViewServer } from '../../view/server.js';

let view: ViewServer;

beforeAll(async () => {
  view = await startView();
});

afterAll(async () => {
  await view.close();
});

/** GET `path` from the view with exactly this Host header (or none), as a rebinding page's browser sends it. */
function get(path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: view.port, path, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    if (host !== undefined) req.setHeader('host', host);
    req.on('error', reject);
    req.end();
  });
}

describe('lockstep view: Host header (DNS rebinding)', () => {
  it.each([
    'evil.example.com',
    `evil.example.com:${0}`,
    'evil.example.com:PORT',
    '127.0.0.1',
    '127.0.0.1:1',
    '127.0.0.2:PORT',
    'localhost.evil.example.com:PORT',
    '[::1]:PORT',
    '',
  ])('refuses Host %j with 403 and no state', async (template) => {
    const host = template.replace('PORT', String(view.port));
    for (const path of ['/api/state', '/api/live', '/api/charts', '/']) {
      const { status, body } = await get(path, host);
      expect(status, `${path} with Host ${host}`).toBe(403);
      expect(body).not.toContain('sides');
      expect(body).toContain('Host must be');
    }
  });

  it('refuses a request without a Host header', async () => {
    // node's HTTP/1.1 parser answers 400 before the view sees it; either way no state leaves
    const { status, body } = await get('/api/state', undefined);
    expect([400, 403]).toContain(status);
    expect(body).not.toContain('sides');
  });

  it('answers the bound address and localhost with the bound port', async () => {
    for (const host of [`127.0.0.1:${view.port}`, `localhost:${view.port}`, `LOCALHOST:${view.port}`]) {
      const { status, body } = await get('/api/state', host);
      expect(status, host).toBe(200);
      expect(JSON.parse(body)).toHaveProperty('sides');
    }
  });
});
