// The renderer in real Chromium against local servers. The "site" on 127.0.0.1 is allowed as a
// private origin (as `--allow-private` would for a seed); 127.0.0.2 plays an internal host that no
// page may reach. One pool serves the whole file.
import dgram from 'node:dgram';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError, RetryableError, VigieError } from '../../config/errors.ts';
import { browserSchema } from '../../config/target-schema.ts';
import type { BrowserOptions } from '../../config/target-schema.ts';
import { createNetworkGuard } from '../../crawler/network-guard.ts';
import type { NetworkGuard } from '../../crawler/network-guard.ts';
import { BrowserPool, MAX_SCREENSHOT_HEIGHT_PX } from '../../crawler/render/index.ts';
import type { RenderRequest } from '../../crawler/render/index.ts';
import { routes, startHttpServer } from '../helpers/hostile-server.ts';
import type { Route, TestServer } from '../helpers/hostile-server.ts';

const logger = pino({ level: 'silent' });
const hits = new Map<string, number>();
const seenHeaders = new Map<string, IncomingMessage['headers']>();
const slow = { current: 0, max: 0, waiting: [] as Array<() => void> };
let site: TestServer;
let internal: TestServer;
let udp: dgram.Socket;
let udpPackets = 0;
let guard: NetworkGuard;
let pool: BrowserPool;
let downloadsDir: string;
let workDir: string;

const html = (body: string): Route => (req, res) => {
  count(req);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
};
function count(req: IncomingMessage): void {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  hits.set(pathname, (hits.get(pathname) ?? 0) + 1);
  seenHeaders.set(pathname, req.headers);
}
const hitsOf = (pathname: string): number => hits.get(pathname) ?? 0;
// No scroll and no screenshot unless a test is about them: it keeps the file fast.
const options = (overrides: Partial<BrowserOptions> = {}): BrowserOptions =>
  browserSchema.parse({ screenshot: false, scroll: { maxSteps: 0, stepDelayMs: 0 }, ...overrides });
const request = (url: string, overrides: Partial<RenderRequest> = {}): RenderRequest => ({ url, guard, options: options(), ...overrides });

function siteRoutes(): Record<string, Route> {
  const internalUrl = internal.url('/secret');
  return {
    '/go': (_req, res) => res.writeHead(302, { location: '/spa' }).end(),
    '/spa': html(`<!doctype html><title>Shell</title><div id="root"></div><script>
      const root = document.getElementById('root');
      root.innerHTML = '<h1>Built by script</h1><a href="/static-link">static</a><a href="https://elsewhere.example/x#frag">ext</a><a href="mailto:a@b.c">mail</a>';
      document.title = 'Rendered';
      fetch('/api/items').then((r) => r.json()).then((items) => {
        for (const item of items) {
          const a = document.createElement('a');
          a.href = item.href;
          a.textContent = item.label;
          root.append(a);
        }
      });
    </script>`),
    '/api/items': (req, res) => {
      count(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ href: 'thread/42', label: 'Thread from XHR' }]));
    },
    '/stored': html('<title>Live</title><p>LIVE VERSION</p>'),
    '/ssrf': html(`<!doctype html><title>SSRF</title><p id="state">loading</p>
      <img src="${internalUrl}?img">
      <iframe src="/redirect-internal"></iframe>
      <script>
        const tries = [
          fetch('${internalUrl}?fetch').catch(() => 'blocked'),
          fetch('https://${internal.hostPort}/tls').catch(() => 'blocked'),
          new Promise((resolve) => { const ws = new WebSocket('ws://${internal.hostPort}/ws'); ws.onerror = ws.onclose = () => resolve('blocked'); }),
        ];
        Promise.all(tries).then(() => { document.getElementById('state').textContent = 'done'; });
      </script>`),
    '/redirect-internal': (req, res) => {
      count(req);
      res.writeHead(302, { location: internalUrl }).end();
    },
    '/redirect-internal-tls': (req, res) => {
      count(req);
      res.writeHead(302, { location: `https://${internal.hostPort}/secret` }).end();
    },
    // ICE gathering with a STUN and a TURN-over-UDP server on the internal host.
    // Taller than the viewport: the one scroll step (1.5 s) gives ICE gathering its time.
    '/webrtc': html(`<!doctype html><title>RTC</title><p id="state">start</p><div style="height:3000px"></div><script>
      const pc = new RTCPeerConnection({ iceServers: [
        { urls: 'stun:${udp.address().address}:${udp.address().port}' },
        { urls: 'turn:${udp.address().address}:${udp.address().port}?transport=udp', username: 'u', credential: 'p' },
      ] });
      pc.createDataChannel('probe');
      pc.createOffer().then((offer) => pc.setLocalDescription(offer));
      setTimeout(() => { document.getElementById('state').textContent = 'gathered'; }, 1000);
    </script>`),
    '/resources': html(`<!doctype html><title>R</title><link rel="stylesheet" href="/style.css">
      <style>@font-face { font-family: Probe; src: url(/font.woff2); } p { font-family: Probe; }</style>
      <p>text</p><img src="/img.png">`),
    '/style.css': (req, res) => {
      count(req);
      res.writeHead(200, { 'content-type': 'text/css' }).end('body { color: black; }');
    },
    '/font.woff2': (req, res) => {
      count(req);
      res.writeHead(404).end();
    },
    '/img.png': (req, res) => {
      count(req);
      res.writeHead(404).end();
    },
    '/lazy': html(`<!doctype html><title>Lazy</title><div id="feed" style="height: 2500px">top</div><script>
      let chunks = 0;
      window.addEventListener('scroll', () => {
        if (chunks >= 3 || window.scrollY + window.innerHeight < document.body.scrollHeight - 300) return;
        chunks++;
        const section = document.createElement('section');
        section.style.height = '1500px';
        section.textContent = 'lazy chunk ' + chunks;
        document.body.append(section);
      });
    </script>`),
    '/tall': html('<!doctype html><title>Tall</title><div style="height: 30000px; background: linear-gradient(red, blue)">tall</div>'),
    '/dialogs': html(`<!doctype html><title>Dialogs</title><script>
      alert('hello');
      const ok = confirm('sure?');
      const name = prompt('name?');
      window.onbeforeunload = () => 'stay';
      document.addEventListener('DOMContentLoaded', () => document.body.append('after dialogs ' + ok + ' ' + name));
    </script>`),
    '/download': html(`<!doctype html><title>Download</title><p>page with a download</p><script>
      const a = document.createElement('a');
      a.href = '/file.bin';
      a.download = 'file.bin';
      document.body.append(a);
      a.click();
    </script>`),
    // Sent slowly, so that a download in progress would sit in the downloads directory for a while.
    '/file.bin': (req, res) => {
      count(req);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename=file.bin' });
      res.write(Buffer.alloc(64 * 1024, 1));
      setTimeout(() => res.end(Buffer.alloc(1024, 2)), 1500);
    },
    '/hang': (req, res) => {
      count(req);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><title>Never ends</title><p>partial');
    },
    // Answers once two requests are in (or after 1.5 s), so two parallel renders surely overlap here.
    '/whoami': html('<!doctype html><title>Who</title><p>who</p>'),
    '/slow': (req, res) => {
      count(req);
      slow.current++;
      slow.max = Math.max(slow.max, slow.current);
      const answer = (): void => {
        clearTimeout(timer);
        slow.current--;
        res.writeHead(200, { 'content-type': 'text/html' }).end('<title>slow</title><p>slow</p>');
      };
      const timer = setTimeout(answer, 1500);
      slow.waiting.push(answer);
      if (slow.waiting.length >= 2) for (const release of slow.waiting.splice(0)) release();
    },
  };
}

beforeAll(async () => {
  internal = await startHttpServer((_req, res) => res.end('internal secret'), '127.0.0.2');
  udp = dgram.createSocket('udp4');
  udp.on('message', () => {
    udpPackets++;
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.2', () => resolve()));
  site = await startHttpServer(routes(siteRoutes()));
  guard = createNetworkGuard({ allowPrivateOrigins: [site.hostPort] });
  downloadsDir = await mkdtemp(path.join(os.tmpdir(), 'vigie-downloads-'));
  workDir = await mkdtemp(path.join(os.tmpdir(), 'vigie-render-test-'));
  pool = new BrowserPool({ maxContexts: 2, logger, downloadsPath: downloadsDir });
});

afterAll(async () => {
  await pool?.close();
  await guard?.close();
  await Promise.all([site?.close(), internal?.close()]);
  udp?.close();
  await rm(downloadsDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

async function renderError(req: RenderRequest, on: BrowserPool = pool): Promise<VigieError> {
  const err = await on.render(req).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(VigieError);
  return err as VigieError;
}

describe('rendering', () => {
  it('renders a JavaScript-only page, with links inserted by script and fetched by XHR', async () => {
    const result = await pool.render(request(site.url('/go')));
    expect(result.finalUrl).toBe(site.url('/spa'));
    expect(result.status).toBe(200);
    expect(result.title).toBe('Rendered');
    expect(result.html).toContain('<h1>Built by script</h1>');
    expect(result.html).toContain('Thread from XHR');
    expect(result.links).toEqual([site.url('/static-link'), 'https://elsewhere.example/x', site.url('/thread/42')]);
    expect(hitsOf('/api/items')).toBeGreaterThan(0);
    expect(result.refusedRequests).toBe(0);
    expect(result.screenshot).toBeUndefined();
  });

  it('renders the stored document rather than fetching it again', async () => {
    const before = hitsOf('/stored');
    const result = await pool.render(request(site.url('/stored#part'), {
      document: { status: 200, headers: { 'content-type': 'text/html; charset=windows-1252', 'content-length': '1' }, body: '<title>Stored</title><p>STORED VERSION – café</p><a href="next">n</a>' },
    }));
    expect(result.html).toContain('STORED VERSION – café');
    expect(result.html).not.toContain('LIVE VERSION');
    expect(result.title).toBe('Stored');
    expect(result.links).toEqual([site.url('/next')]);
    expect(hitsOf('/stored')).toBe(before);
  });

  it('fulfils the document from bytes with their own charset', async () => {
    const result = await pool.render(request(site.url('/stored'), {
      document: { status: 200, headers: { 'Content-Type': 'text/html; charset=windows-1252' }, body: Buffer.from('<p>caf\xe9 latin</p>', 'latin1') },
    }));
    expect(result.html).toContain('café latin');
  });

  it('refuses a rendered DOM larger than maxHtmlChars', async () => {
    const err = await renderError(request(site.url('/stored'), {
      maxHtmlChars: 10_000,
      document: { status: 200, headers: { 'content-type': 'text/html' }, body: '<p>grows</p><script>document.body.append("x".repeat(20000))</script>' },
    }));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('render-too-large');
  });

  it('takes a full-page screenshot cut at the height cap', async () => {
    const result = await pool.render(request(site.url('/tall'), { options: options({ screenshot: true, scroll: { maxSteps: 0, stepDelayMs: 0 } }) }));
    const png = result.screenshot;
    expect(png?.subarray(1, 4).toString()).toBe('PNG');
    const height = png?.readUInt32BE(20) ?? 0;
    expect(height).toBe(MAX_SCREENSHOT_HEIGHT_PX);
  });
});

describe('network guard', () => {
  it('refuses every way a page tries to reach an internal address, which accepts no connection', async () => {
    const result = await pool.render(request(site.url('/ssrf')));
    expect(result.html).toContain('<p id="state">done</p>');
    // img + fetch (plain http), fetch over TLS and the websocket (CONNECT), the iframe's redirect.
    expect(result.refusedRequests).toBeGreaterThanOrEqual(4);
    expect(hitsOf('/redirect-internal')).toBeGreaterThan(0);
    expect(internal.acceptedConnections()).toBe(0);
  });

  it('fails a main document that redirects to an internal address as network-refused', async () => {
    const err = await renderError(request(site.url('/redirect-internal')));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('network-refused');
    expect(internal.acceptedConnections()).toBe(0);
  });

  it('fails a page on a host that is not allowed as network-refused', async () => {
    const err = await renderError(request(`https://${internal.hostPort}/`));
    expect(err.code).toBe('network-refused');
    expect(internal.acceptedConnections()).toBe(0);
  });

  it('fails a main document that redirects to an internal https address as network-refused', async () => {
    const err = await renderError(request(site.url('/redirect-internal-tls')));
    expect(err.code).toBe('network-refused');
    expect(internal.acceptedConnections()).toBe(0);
  });

  it('lets WebRTC send no UDP to an address a page names', async () => {
    const result = await pool.render(request(site.url('/webrtc'), { options: options({ scroll: { maxSteps: 1, stepDelayMs: 1500 } }) }));
    expect(result.html).toContain('<p id="state">gathered</p>');
    expect(udpPackets).toBe(0);
  });
});

describe('page behaviour', () => {
  it('does not request blocked resource types', async () => {
    const control = await pool.render(request(site.url('/resources')));
    expect(control.blockedRequests).toBe(0);
    expect(hitsOf('/style.css') * hitsOf('/img.png') * hitsOf('/font.woff2')).toBeGreaterThan(0);
    hits.clear();
    const result = await pool.render(request(site.url('/resources'), { options: options({ blockResources: ['image', 'stylesheet', 'font'] }) }));
    expect(result.blockedRequests).toBeGreaterThanOrEqual(2);
    expect(hitsOf('/resources')).toBe(1);
    expect(hitsOf('/style.css') + hitsOf('/img.png') + hitsOf('/font.woff2')).toBe(0);
  });

  it('scrolls to bring lazy content in, within the step bound', async () => {
    const still = await pool.render(request(site.url('/lazy'), { options: options({ scroll: { maxSteps: 0, stepDelayMs: 0 } }) }));
    expect(still.html).not.toMatch(/>lazy chunk \d/);
    const scrolled = await pool.render(request(site.url('/lazy'), { options: options({ scroll: { maxSteps: 30, stepDelayMs: 100 } }) }));
    expect(scrolled.html).toContain('>lazy chunk 3</section>');
    expect(scrolled.scrollSteps).toBeLessThan(30);
    const bounded = await pool.render(request(site.url('/lazy'), { options: options({ scroll: { maxSteps: 2, stepDelayMs: 50 } }) }));
    expect(bounded.scrollSteps).toBe(2);
    expect(bounded.html).not.toContain('>lazy chunk 3<');
  });

  it('dismisses dialogs instead of hanging on them', async () => {
    const result = await pool.render(request(site.url('/dialogs')));
    expect(result.html).toContain('after dialogs false null');
  });

  it('saves no download', async () => {
    // Playwright deletes a context's downloads when it closes, so look while the page renders.
    const seenFiles = new Set<string>();
    let rendering = true;
    const watching = (async () => {
      while (rendering) {
        for (const name of await readdir(downloadsDir)) seenFiles.add(name);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const result = await pool.render(request(site.url('/download'))).finally(() => {
      rendering = false;
    });
    await watching;
    expect(result.html).toContain('page with a download');
    expect([...seenFiles]).toEqual([]);
  });

  it('fails a page that does not load in time with render-timeout, and the browser stays usable', async () => {
    const launches = pool.stats().launches;
    const err = await renderError(request(site.url('/hang'), { options: options({ timeoutMs: 1500 }) }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('render-timeout');
    const next = await pool.render(request(site.url('/stored')));
    expect(next.html).toContain('LIVE VERSION');
    expect(pool.stats()).toMatchObject({ launches, replacedBrowsers: 0 });
  });

  it('sends the cookies of a session file', async () => {
    const file = path.join(workDir, 'session.json');
    await writeFile(file, JSON.stringify({ cookies: [{ name: 'sid', value: 'logged-in', domain: '127.0.0.1', path: '/' }], origins: [] }));
    await pool.render(request(site.url('/whoami'), { options: options({ cookiesFile: file }) }));
    expect(seenHeaders.get('/whoami')?.cookie).toBe('sid=logged-in');
    // A fresh context for the next page: the session does not leak into it.
    await pool.render(request(site.url('/whoami')));
    expect(seenHeaders.get('/whoami')?.cookie).toBeUndefined();
  });

  it('fails on a bad session file with a ConfigError', async () => {
    const file = path.join(workDir, 'bad.json');
    await writeFile(file, '{ not json');
    const err = await renderError(request(site.url('/whoami'), { options: options({ cookiesFile: file }) }));
    expect(err.code).toBe('config-invalid');
    expect(err.retryable).toBe(false);
  });
});

describe('concurrency', () => {
  it('renders at most maxContexts pages at once', async () => {
    slow.max = 0;
    const results = await Promise.all(Array.from({ length: 5 }, () => pool.render(request(site.url('/slow')))));
    expect(results.every((r) => r.title === 'slow')).toBe(true);
    expect(slow.max).toBe(2);
  });

  it('gives up with render-busy when no context frees up in time', async () => {
    const small = new BrowserPool({ maxContexts: 1, logger, queueTimeoutMs: 200 });
    try {
      const first = small.render(request(site.url('/hang'), { options: options({ timeoutMs: 3000 }) }));
      const err = await renderError(request(site.url('/stored')), small);
      expect(err).toBeInstanceOf(RetryableError);
      expect(err.code).toBe('render-busy');
      await expect(first).rejects.toMatchObject({ code: 'render-timeout' });
    } finally {
      await small.close();
    }
  });
});
