// Crawling a Tor onion service through the whole pipeline. Tor is simulated by the test SOCKS5
// server, which maps one v3 onion name to a loopback HTTP server: the site is reachable only by
// asking the proxy for that name. Every DNS lookup made in this process goes through a spy on
// node:dns (which also resolves the clear-web test name, proving the crawler's resolver is the one
// observed), so "the onion name never reached a resolver" is checked, not assumed. Chromium's own
// resolver is not observable here: it is given every request through the guard proxy, which hands
// names to the socks5h proxy unresolved.
import { createHash } from 'node:crypto';
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { ConfigError, parseTargetsYaml, targetSchema } from '../../config/index.ts';
import { validateOnion } from '../../extractors/entities/validators/onion.ts';
import { routes, startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { startSocks5Server, type SocksRequestRecord, type TestSocksServer } from '../helpers/proxy-servers.ts';

/** A v3 onion address (pubkey || checksum || version, base32) from a fixed public key. */
function v3Onion(seed: string): string {
  const pubkey = createHash('sha256').update(seed).digest();
  const version = Buffer.from([3]);
  const checksum = createHash('sha3-256').update('.onion checksum').update(pubkey).update(version).digest().subarray(0, 2);
  const bytes = Buffer.concat([pubkey, checksum, version]);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return `${bits.match(/.{5}/g)!.map((chunk) => alphabet[parseInt(chunk, 2)]).join('')}.onion`;
}

const ONION = v3Onion('vigie tor-crawl test service');
/** A clear-web name only the spied resolver knows. */
const CLEAR_HOST = 'clear.vigie.test';
const DRUGS = 'Vente de cocaïne pure et de méphédrone, livraison discrète en 24h, paiement en bitcoin.';
const html = (body: string) => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>market</title></head><body><main>${body}</main></body></html>`;
// Run by Chromium only: it fetches nothing else, so the text and link it adds prove the render.
const APP_JS = `document.getElementById('dyn').innerHTML = '<p>Catalogue chargé par le script du service caché.</p><a href="/js-only">suite</a>';`;

describe('crawling a Tor onion service (socks5h)', () => {
  let onionSite: TestServer;
  let clearSite: TestServer;
  let tor: TestSocksServer;
  let pipeline: TestPipeline;
  const onionRequests: Array<{ path: string; host: string | undefined }> = [];
  const lookups: string[] = [];

  const record = (req: IncomingMessage) => onionRequests.push({ path: new URL(req.url ?? '/', 'http://x').pathname, host: req.headers.host });

  beforeAll(async () => {
    expect(validateOnion(ONION)?.details).toEqual({ version: '3' });
    const realLookup = dns.promises.lookup.bind(dns.promises);
    vi.spyOn(dns.promises, 'lookup').mockImplementation((async (hostname: string, options: dns.LookupAllOptions) => {
      lookups.push(hostname);
      if (hostname === CLEAR_HOST) return [{ address: '127.0.0.1', family: 4 }] satisfies LookupAddress[];
      return realLookup(hostname, options);
    }) as typeof dns.promises.lookup);
    const realCallbackLookup = dns.lookup;
    vi.spyOn(dns, 'lookup').mockImplementation(((hostname: string, ...rest: unknown[]) => {
      lookups.push(hostname);
      return (realCallbackLookup as (...args: unknown[]) => void)(hostname, ...rest);
    }) as typeof dns.lookup);

    onionSite = await startHttpServer(routes({
      '/': (req, res) => {
        record(req);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(html('<p>Bienvenue sur le marché caché, annonces vérifiées.</p><a href="/post">annonce</a><div id="dyn"></div><script src="/app.js"></script>'));
      },
      '/post': (req, res) => {
        record(req);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(`<p>${DRUGS}</p>`));
      },
      '/js-only': (req, res) => {
        record(req);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html('<p>Page atteinte seulement par un lien ajouté par le script.</p>'));
      },
      '/app.js': (req, res) => {
        record(req);
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(APP_JS);
      },
      '/robots.txt': (req, res) => {
        record(req);
        res.writeHead(404).end();
      },
    }));
    clearSite = await startHttpServer(routes({
      '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(html(`<p>Annuaire de liens, dont un service caché.</p><a href="http://${ONION}/post">marché</a>`)),
    }));
    tor = await startSocks5Server({ hosts: { [ONION]: { host: '127.0.0.1', port: onionSite.port } } });
    pipeline = await startTestPipeline('tor');
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await tor?.close();
    await onionSite?.close();
    await clearSite?.close();
    vi.restoreAllMocks();
  });

  /** Runs `crawl` and returns what the proxy and the onion site saw meanwhile. */
  async function observe<T>(crawl: () => Promise<T>): Promise<{ result: T; socks: SocksRequestRecord[]; site: typeof onionRequests; lookups: string[] }> {
    const marks = [tor.requests.length, onionRequests.length, lookups.length] as const;
    const result = await crawl();
    return { result, socks: tor.requests.slice(marks[0]), site: onionRequests.slice(marks[1]), lookups: lookups.slice(marks[2]) };
  }

  const onionTarget = (id: string, extra: Record<string, unknown> = {}) => targetSchema.parse({
    id,
    name: `Onion market (${id})`,
    seeds: [`http://${ONION}/`],
    proxy: tor.url('socks5h'),
    maxDepth: 2,
    politeness: { perHostConcurrency: 2, minDelayMs: 0 },
    ...extra,
  });

  it('fetches the onion by name through the proxy, with no DNS lookup, and indexes it', async () => {
    const { result: report, socks, site, lookups: seen } = await observe(() => crawlOnce(pipeline.deps, onionTarget('onion-market'), { concurrency: 2, pollMs: 100 }));
    expect(report).toMatchObject({ pages: 2, errors: 0, rendered: 0, alertsNew: 1 });
    // Every connection asked the proxy for the name: it resolved it, nobody else did.
    expect(socks.length).toBeGreaterThan(0);
    expect(socks.every((r) => r.type === 'domain' && r.host === ONION && r.port === 80)).toBe(true);
    expect(site.map((r) => r.path).sort()).toEqual(['/', '/post', '/robots.txt']);
    expect(site.every((r) => r.host === ONION)).toBe(true);
    expect(seen.filter((host) => host.toLowerCase().includes('.onion'))).toEqual([]);

    const { hits } = await pipeline.index.search({ targetId: 'onion-market', limit: 10 });
    expect(hits.map((h) => h.url).sort()).toEqual([`http://${ONION}/`, `http://${ONION}/post`]);
    const post = await pipeline.index.getPage(hits.find((h) => h.url.endsWith('/post'))!.id);
    // The proxy resolved the name: the server's address is unknown, never the proxy's.
    expect(post).toMatchObject({ remoteAddress: null, rendered: false });
    const alerts = await pipeline.index.listAlerts({ targetId: 'onion-market' });
    expect(alerts.map((a) => [a.category, a.urls])).toEqual([['drugs', [`http://${ONION}/post`]]]);
  });

  it('renders the onion in Chromium through the guard proxy and the socks5h proxy', async () => {
    const target = onionTarget('onion-market-rendered', { render: 'always', browser: { screenshot: false, scroll: { maxSteps: 0 } } });
    const { result: report, socks, site, lookups: seen } = await observe(() => crawlOnce(pipeline.deps, target, { concurrency: 2, pollMs: 100 }));
    expect(report).toMatchObject({ pages: 3, rendered: 3, errors: 0 });
    // /app.js is only ever asked for by Chromium (the fetcher does not load scripts), and
    // /js-only is only linked from what that script wrote: both went through the proxies.
    expect(site.filter((r) => r.path === '/app.js').length).toBeGreaterThan(0);
    expect(site.map((r) => r.path)).toContain('/js-only');
    expect(site.every((r) => r.host === ONION)).toBe(true);
    expect(socks.length).toBeGreaterThan(0);
    expect(socks.every((r) => r.type === 'domain' && r.host === ONION && r.port === 80)).toBe(true);
    expect(seen.filter((host) => host.toLowerCase().includes('.onion'))).toEqual([]);

    const { hits } = await pipeline.index.search({ targetId: 'onion-market-rendered', text: 'Catalogue chargé' });
    expect(hits.map((h) => h.url)).toEqual([`http://${ONION}/`]);
    expect(await pipeline.index.getPage(hits[0]!.id)).toMatchObject({ rendered: true, remoteAddress: null });
  }, 60_000);

  describe('a clear-web target without a proxy linking to the onion', () => {
    // Its own pipeline: the robots.txt the Tor targets above cached for the onion's origin would
    // otherwise spare these runs the robots.txt download.
    let clearPipeline: TestPipeline;
    beforeAll(async () => {
      clearPipeline = await startTestPipeline('tor-clear');
    });
    afterAll(async () => {
      await clearPipeline?.close();
    });

    const clearTarget = (id: string, robots: Record<string, string>) => targetSchema.parse({
      id,
      name: 'Clear-web link directory',
      seeds: [`http://${CLEAR_HOST}:${clearSite.port}/`],
      // The onion is in scope on purpose: the network guard, not the scope, must stop it.
      scope: { sameHost: false, allow: [`^http://${CLEAR_HOST.replaceAll('.', '\\.')}:${clearSite.port}/`, '^http://[a-z2-7]{56}\\.onion/'] },
      allowPrivate: true,
      maxDepth: 1,
      politeness: { perHostConcurrency: 2, minDelayMs: 0 },
      ...robots,
    });

    it('does not fetch an onion linked from a clear-web target without a proxy', async () => {
      const target = clearTarget('clear-directory', { robots: 'ignore', robotsIgnoreReason: 'test: the refusal must come from the page fetch itself' });
      const acceptedBefore = tor.acceptedConnections();
      const { result: report, site, lookups: seen } = await observe(() => crawlOnce(clearPipeline.deps, target, { concurrency: 2, pollMs: 100 }));
      expect(report).toMatchObject({ pages: 1, errors: 1, errorsByCode: { 'tor-required': 1 } });
      expect(site).toEqual([]);
      expect(tor.acceptedConnections()).toBe(acceptedBefore);
      // The clear-web name was resolved by the spied resolver (so it is the one in use), the onion never.
      expect(seen).toContain(CLEAR_HOST);
      expect(seen.filter((host) => host.toLowerCase().includes('.onion'))).toEqual([]);
    });

    // With robots.txt respected (the default), the onion's robots.txt download is what meets
    // tor-required first: the page fails for that reason at once (not as robots-unavailable).
    it('does not fetch that onion when robots.txt is respected either', async () => {
      const acceptedBefore = tor.acceptedConnections();
      const { result: report, site, lookups: seen } = await observe(() => crawlOnce(clearPipeline.deps, clearTarget('clear-directory-robots', {}), { concurrency: 2, pollMs: 100 }));
      expect(site).toEqual([]);
      expect(tor.acceptedConnections()).toBe(acceptedBefore);
      expect(seen.filter((host) => host.toLowerCase().includes('.onion'))).toEqual([]);
      expect(report).toMatchObject({ pages: 1, errors: 1, errorsByCode: { 'tor-required': 1 } });
    }, 60_000);
  });

  it('refuses a target file with an onion seed and no socks5h proxy', () => {
    for (const proxyLine of ['', `    proxy: socks5://127.0.0.1:9050\n`]) {
      let error: unknown;
      try {
        parseTargetsYaml(`targets:\n  - id: onion\n    name: Onion\n    seeds: ['http://${ONION}/']\n${proxyLine}`, 'targets.yaml');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues;
      expect(issues.map((issue) => issue.path)).toEqual(['targets.0.proxy']);
      expect(issues[0]!.message).toContain(ONION);
      expect(issues[0]!.message).toContain('socks5h://');
    }
  });
});
