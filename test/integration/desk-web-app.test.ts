// The web app's static serving on the real desk server: the shell for every app path with the
// app's CSP, files from review/web only, with content types and ETags (a 304 on a match), and
// the dictionary parts list built from the files present.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP, SHELL_PATHS, WEB_DIR } from '../../review/http/web-app.ts';
import { startTestDesk, type TestDesk } from '../helpers/desk.ts';

describe('web app serving', () => {
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await startTestDesk('desk-web-app');
  }, 60_000);

  afterAll(async () => {
    await desk?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${desk.baseUrl}${path}`, { headers });

  it('serves the shell under the app CSP for every app path, signed in or not', async () => {
    const shell = readFileSync(`${WEB_DIR}index.html`, 'utf8');
    const concrete = SHELL_PATHS.map((p) => p.replace(':id', 'abc').replace(':type', 'btc').replace(':value', 'bc1qxyz'));
    for (const path of concrete) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(APP_CSP);
      expect(await response.text()).toBe(shell);
    }
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).toContain("frame-ancestors 'none'");
  });

  it('serves the modules with their types and ETags, and answers 304 to a matching If-None-Match', async () => {
    const js = await get('/app/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = js.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(await js.text()).toBe(readFileSync(`${WEB_DIR}app.js`, 'utf8'));
    const again = await get('/app/app.js', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect((await get('/app/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/app/pages/queue.js')).status).toBe(200);
  });

  it('serves nothing outside review/web, whatever the path says', async () => {
    for (const path of ['/app/../server.ts', '/app/..%2fserver.ts', '/app/%2e%2e/http/web-app.ts', '/app/../../package.json', '/app/', '/app/nope.js']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('buildServer');
    }
  });

  it('lists the dictionary parts present (i18n/fr-*.js, en-*.js) for the app to merge', async () => {
    const response = await get('/app/i18n/parts.json');
    const expected = readdirSync(`${WEB_DIR}i18n`)
      .map((name) => /^((?:fr|en)-[a-z0-9-]+)\.js$/.exec(name)?.[1])
      .filter(Boolean)
      .sort();
    expect(await response.json()).toEqual(expected);
  });
});
