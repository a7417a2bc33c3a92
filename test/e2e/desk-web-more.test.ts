// The desk's investigator, ops and statistics screens in real Chromium against the real server,
// on pages produced by a real crawl of two local sites (127.0.0.1 and 127.0.0.2) that share a
// bitcoin address: a search in the query language (and a bad one), a facet click, an entity pivot
// from a result (its page lists the pages and alerts), a saved search, the graph of entities
// shared across sites; an ops user editing a target (saved and seen through the API; a bad value
// shown at its field, nothing lost), creating one and importing YAML; the statistics charts and
// their tables, in French and English; the API reference. VIGIE_SCREENSHOTS=1 also writes
// docs/screenshots/{search,entity,targets,stats}.png.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import { startWorkers } from '../../workers/index.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { CHROMIUM_PATH, launchDeskBrowser, type DeskBrowser } from '../helpers/desk-browser.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';

const BTC = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const EMAIL = 'grossiste.discret@example.org';

/** Posts per site: drug offers (alerts), three paid to the same wallet on both sites; one recipe page. */
const SITES = {
  annonces: [
    `Je vends de la cocaïne pure, livraison discrète partout en France, paiement en bitcoin uniquement sur ${BTC}, contactez-moi sur Telegram.`,
    `Héroïne et MDMA disponibles, livraison discrète à domicile partout en France, paiement en bitcoin ${BTC}, contact Telegram.`,
    'Recette de la tarte aux pommes de ma grand-mère, avec une pâte brisée maison et des pommes du jardin.',
  ],
  forum: [
    `Vente de cannabis et de résine de qualité, envoi discret par la poste, paiement en bitcoin ${BTC}, écrivez à ${EMAIL}.`,
    `Je vends de la cocaïne et de la kétamine, livraison discrète partout, paiement en bitcoin uniquement, écrivez à ${EMAIL}.`,
  ],
} as const;

function site(posts: readonly string[], title: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const post = /^\/post\/(\d)$/.exec(path);
    if (path === '/') {
      const links = posts.map((_, i) => `<li><a href="/post/${i + 1}">Sujet ${i + 1}</a></li>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head><body><ul>${links}</ul></body></html>`);
      return;
    }
    const n = Number(post?.[1]);
    if (!post || n < 1 || n > posts.length) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title} : sujet ${n}</title></head>
      <body><main><h1>${title}, sujet numéro ${n}</h1><p>${posts[n - 1]}</p></main></body></html>`);
  };
}

/** Console noise that is the test's doing: the start's 401 (not signed in yet), the bad target's 400, the new target's 404. */
const expected = (problem: string) => /status of (401|400|404)/.test(problem);

describe.skipIf(!existsSync(CHROMIUM_PATH))('the desk web app for investigators, ops and statistics', () => {
  let desk: TestDesk;
  const servers: TestServer[] = [];
  let ui: DeskBrowser;
  let api: DeskClient;

  beforeAll(async () => {
    desk = await startTestDesk('desk-web-more');
    api = await desk.tokenClient('robot', 'admin');
    for (const [id, posts] of Object.entries(SITES)) {
      const server = await startHttpServer(site(posts, id === 'annonces' ? 'Petites annonces' : 'Forum'), id === 'annonces' ? '127.0.0.1' : '127.0.0.2');
      servers.push(server);
      const body = {
        name: id === 'annonces' ? 'Annonces' : 'Forum',
        seeds: [server.url('/')],
        allowPrivate: true,
        maxDepth: 1,
        render: 'never',
        robots: 'ignore',
        robotsIgnoreReason: 'test site',
        politeness: { minDelayMs: 0 },
      };
      // Stored through the API, as ops would, so the targets screen lists them.
      const put = await api.request('PUT', `/api/v1/targets/${id}`, body);
      expect(put.status, put.text).toBe(201);
      await crawlOnce(desk.pipeline.deps, targetSchema.parse({ id, ...body }), { concurrency: 2, pollMs: 100 });
    }
    // One decision, so that time to decision has a figure.
    const { body: queue } = await api.get('/api/v1/alerts?queue=open');
    const decided = await api.post(`/api/v1/alerts/${queue.alerts[0].id}/decisions`, { status: 'confirmed' });
    expect(decided.status, decided.text).toBe(200);
    ui = await launchDeskBrowser(desk);
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
    await desk?.close();
    for (const server of servers) await server.close();
  });

  it('has pages and alerts from the crawl of both sites', async () => {
    const { body } = await api.get('/api/v1/search?q=bitcoin&facets=1');
    expect(body.total).toBe(4);
    expect(body.facets.target.map((f: any) => f.value).sort()).toEqual(['annonces', 'forum']);
    const alerts = await api.get('/api/v1/alerts');
    expect(alerts.body.total).toBeGreaterThanOrEqual(3);
  });

  it('searches with the query language, narrows by a facet, then pivots on an entity to its pages and alerts', async () => {
    const { page } = ui;
    await ui.signIn('ines', 'investigator');
    await page.getByRole('navigation').getByRole('link', { name: 'Recherche' }).click();
    await page.waitForURL(/\/search$/);
    // Bad syntax: the reason, with its position, is given next to the box.
    await page.getByLabel('Requête').fill('(cocaïne OR');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await expect.poll(() => page.locator('#search-problem').textContent()).toMatch(/^Recherche impossible : .+/);
    expect(await page.getByLabel('Requête').getAttribute('aria-invalid')).toBe('true');

    const query = '(cocaïne OR héroïne) -kétamine';
    await page.getByLabel('Requête').fill(query);
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === query);
    const hits = page.getByRole('list', { name: 'Résultats' }).locator('li.hit');
    const expectedHits = (await api.get(`/api/v1/search?q=${encodeURIComponent(query)}`)).body;
    expect(expectedHits.total).toBe(2);
    await expect.poll(() => hits.count()).toBe(2);
    expect((await hits.locator('h3').allTextContents()).sort()).toEqual(['Petites annonces : sujet 1', 'Petites annonces : sujet 2']);

    // A broader search, then the target facet narrows it; the query stays in the URL.
    await page.getByLabel('Requête').fill('bitcoin');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await expect.poll(() => hits.count()).toBe(4);
    await page.getByRole('button', { name: 'Filtrer par Cible : forum (2)' }).click();
    await page.waitForURL((url) => url.searchParams.get('target') === 'forum' && url.searchParams.get('q') === 'bitcoin');
    await expect.poll(() => hits.count()).toBe(2);
    expect((await hits.locator('h3').allTextContents()).every((title) => title.startsWith('Forum'))).toBe(true);
    expect(await page.getByRole('button', { name: 'Filtrer par Cible : forum (2)' }).getAttribute('aria-pressed')).toBe('true');
    // The histogram is an image with a name and its numbers as a table.
    expect(await page.getByRole('img', { name: /Histogramme : 2 pages/ }).count()).toBe(1);
    expect(await page.getByRole('table', { name: /Pages trouvées par/ }).locator('tbody td').allTextContents()).toEqual(['2']);
    // Export links carry the same search.
    const csv = new URL((await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href'))!, desk.baseUrl);
    expect(Object.fromEntries(csv.searchParams)).toEqual({ q: 'bitcoin', target: 'forum', format: 'csv' });
    await ui.screenshot('search');

    // Saved as a search that raises alerts: the query language carries the filter; it is listed,
    // paused, and deleted after a confirmation.
    await page.getByLabel('Nom de la recherche').fill('Portefeuille forum');
    await page.getByLabel('Catégorie des alertes').selectOption('drugs');
    await page.getByRole('button', { name: 'Enregistrer la recherche' }).click();
    const savedRow = page.getByRole('table', { name: /recherche\(s\) enregistrée\(s\)/ }).locator('tbody tr', { hasText: 'Portefeuille forum' });
    await savedRow.waitFor();
    const savedSearches = async () => (await api.get('/api/v1/saved-searches')).body.savedSearches;
    expect(await savedSearches()).toEqual([expect.objectContaining({ name: 'Portefeuille forum', query: 'bitcoin target:forum', category: 'drugs', owner: 'ines', enabled: true })]);
    await savedRow.getByRole('button', { name: 'Mettre en pause « Portefeuille forum »' }).click();
    await savedRow.getByRole('button', { name: 'Réactiver « Portefeuille forum »' }).waitFor();
    expect((await savedSearches())[0].enabled).toBe(false);
    await savedRow.getByRole('button', { name: 'Supprimer « Portefeuille forum »' }).click();
    const confirm = page.getByRole('dialog', { name: 'Supprimer la recherche « Portefeuille forum » ?' });
    await confirm.getByRole('button', { name: 'Supprimer', exact: true }).click();
    await savedRow.waitFor({ state: 'detached' });
    expect(await savedSearches()).toEqual([]);

    // The entities of the forum's first post (the wallet and an e-mail), then a pivot on the wallet.
    const first = hits.filter({ has: page.getByRole('heading', { name: 'Forum : sujet 1' }) });
    await first.getByRole('button', { name: 'Entités de la page' }).click();
    const wallet = first.getByRole('link', { name: `btc ${BTC}` });
    await wallet.click();
    await page.waitForURL(`**/entities/btc/${BTC}`);
    await page.getByRole('heading', { level: 1, name: `btc ${BTC}` }).waitFor();
    const pages = page.getByRole('table', { name: /page\(s\) les plus récentes sur 3/ }).locator('tbody tr');
    await expect.poll(() => pages.count()).toBe(3);
    const sites = page.getByRole('table', { name: /site\(s\) où elle apparaît/ }).locator('tbody tr');
    expect(await sites.count()).toBe(2);
    const entity = (await api.get(`/api/v1/entities/btc/${BTC}`)).body;
    const alertLinks = page.getByRole('table', { name: /alerte\(s\) sur les pages/ }).getByRole('link');
    expect(entity.alerts.length).toBe(3);
    expect((await alertLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).sort()).toEqual(entity.alerts.map((a: any) => `/alerts/${a.id}`).sort());
    // Seen beside it: the forum's e-mail, itself a pivot.
    expect(await page.getByRole('link', { name: `email ${EMAIL}` }).count()).toBe(1);
    await ui.screenshot('entity');

    // An alert link opens the alert.
    await alertLinks.first().click();
    await page.waitForURL(/\/alerts\/[^/]+$/);

    // The view of the page's entities was an audited evidence view.
    const audit = (await api.get('/api/v1/audit?action=evidence.view&actor=ines')).body;
    expect(audit.entries.length).toBeGreaterThanOrEqual(1);
    expect(ui.problems.filter((p) => !expected(p)), ui.problems.join('\n')).toEqual([]);
  }, 120_000);

  it('draws the entities shared across sites, each node a link to the entity', async () => {
    const { page } = ui;
    await page.getByRole('navigation').getByRole('link', { name: 'Entités' }).click();
    await page.waitForURL(/\/entities$/);
    const node = page.getByRole('link', { name: `Entité btc ${BTC} : 3 page(s) sur 2 site(s)` });
    await node.waitFor();
    // The same graph as a table.
    const rows = page.getByRole('table', { name: 'Le graphe sous forme de liste' }).locator('tbody tr');
    expect(await rows.count()).toBe((await api.get('/api/v1/entities/graph')).body.nodes.filter((n: any) => n.kind === 'entity').length);
    await node.click();
    await page.waitForURL(`**/entities/btc/${BTC}`);
    await page.getByRole('heading', { level: 1, name: `btc ${BTC}` }).waitFor();

    // A link to something that is no wallet says so instead of hanging.
    await page.goto('/entities/btc/not-a-wallet');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'not-a-wallet' }).count()).toBe(1);
    expect(ui.problems.filter((p) => !expected(p)), ui.problems.join('\n')).toEqual([]);
  }, 60_000);

  it('gives an analyst the search without export or saved-search changes', async () => {
    const { page } = ui;
    await ui.context.clearCookies();
    await ui.signIn('anna', 'analyst');
    await page.goto('/search?q=bitcoin');
    await expect.poll(() => page.getByRole('list', { name: 'Résultats' }).locator('li.hit').count()).toBe(4);
    expect(await page.getByRole('link', { name: /^Exporter/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Enregistrer la recherche' }).count()).toBe(0);
    await page.getByRole('table', { name: /recherche\(s\) enregistrée\(s\)/ }).waitFor();
    // The API agrees: export is refused to the role.
    const analyst = await desk.signIn('anna', 'analyst');
    expect((await analyst.get('/api/v1/search/export?q=bitcoin')).status).toBe(403);
    expect(ui.problems.filter((p) => !expected(p)), ui.problems.join('\n')).toEqual([]);
  }, 60_000);

  it('lets ops edit a target (saved and seen through the API; a bad value shown at its field), pause one, create one and import a YAML file', async () => {
    const { page } = ui;
    await ui.context.clearCookies();
    await ui.signIn('oscar', 'ops');
    await page.getByRole('navigation').getByRole('link', { name: 'Cibles' }).click();
    await page.waitForURL(/\/targets$/);
    const row = page.locator('table.targets tbody tr[data-id="annonces"]');
    await row.waitFor();
    expect(await row.getByRole('link', { name: 'Annonces', exact: true }).count()).toBe(1);

    // Run now: the run job is queued; workers take it, and the list shows it as the last run
    // (with the numbers the API gives: an immediate recrawl finds the pages unchanged).
    await page.getByRole('button', { name: 'Lancer Forum maintenant' }).click();
    await expect.poll(async () => (await desk.ctx.pipeline.queues.runs.getJobCounts('waiting')).waiting).toBe(1);
    const workers = startWorkers(desk.pipeline.deps, { concurrency: 2 });
    try {
      await expect.poll(async () => (await api.get('/api/v1/targets/forum')).body.target.health.lastRun?.status, { timeout: 60_000, interval: 200 }).toBe('finished');
    } finally {
      await workers.close();
    }
    const lastRun = (await api.get('/api/v1/targets/forum')).body.target.health.lastRun;
    expect(lastRun).toMatchObject({ errors: 0 });
    await page.reload();
    const forumCells = page.locator('table.targets tbody tr[data-id="forum"] td');
    await expect.poll(() => forumCells.nth(3).textContent()).toMatch(new RegExp(`^${lastRun.pages}(\\+|$)`));
    expect(await forumCells.nth(2).textContent()).toContain('terminée');
    await ui.screenshot('targets');

    await page.getByRole('link', { name: 'Modifier Annonces' }).click();
    await page.waitForURL(/\/targets\/annonces$/);
    const depth = page.getByLabel('Profondeur maximale');
    expect(await depth.inputValue()).toBe('1');
    await depth.fill('2');
    await page.getByLabel('Nom', { exact: true }).fill('Petites annonces');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Cible annonces enregistrée', { exact: true }).first().waitFor();
    const saved = (await api.get('/api/v1/targets/annonces')).body.target;
    expect(saved).toMatchObject({ name: 'Petites annonces', maxDepth: 2, seeds: [servers[0]!.url('/')], robots: 'ignore' });

    // A value the schema refuses: the problem is shown next to the field, and nothing is stored.
    await depth.fill('99');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => depth.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await depth.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy}`).textContent()).toMatch(/50/);
    expect(await page.getByRole('alert').filter({ hasText: '1 problème(s) à corriger' }).textContent()).toContain('maxDepth:');
    expect((await api.get('/api/v1/targets/annonces')).body.target.maxDepth).toBe(2);

    // The whole-target JSON follows the fields, and edits made there reach the fields.
    const json = page.getByLabel('La cible complète (JSON)');
    expect(JSON.parse(await json.inputValue())).toMatchObject({ maxDepth: 99, name: 'Petites annonces' });
    const edited = { ...JSON.parse(await json.inputValue()), maxDepth: 3, tags: ['marché'] };
    await json.fill(JSON.stringify(edited, null, 2));
    await json.blur();
    expect(await depth.inputValue()).toBe('3');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(async () => (await api.get('/api/v1/targets/annonces')).body.target).toMatchObject({ maxDepth: 3, tags: ['marché'] });

    // Pause from the list: the API sees it.
    await page.getByRole('link', { name: 'Cibles de veille' }).click();
    await page.getByRole('button', { name: 'Mettre en pause Petites annonces' }).click();
    await page.getByRole('button', { name: 'Reprendre Petites annonces' }).waitFor();
    expect((await api.get('/api/v1/targets/annonces')).body.target.enabled).toBe(false);

    // A new target from its id: the form starts from a template, and saving creates it.
    await page.getByLabel('Identifiant de la nouvelle cible').fill('boutique');
    await page.getByRole('button', { name: 'Nouvelle cible' }).click();
    await page.waitForURL(/\/targets\/boutique\?create=1$/);
    await page.getByLabel('Adresses de départ (une par ligne)').fill('https://boutique.example/\nhttps://boutique.example/promo');
    await page.getByRole('button', { name: 'Créer la cible' }).click();
    await page.waitForURL(/\/targets\/boutique$/);
    await page.getByRole('heading', { level: 1, name: 'Cible boutique' }).waitFor();
    expect((await api.get('/api/v1/targets/boutique')).body.target).toMatchObject({ name: 'boutique', seeds: ['https://boutique.example/', 'https://boutique.example/promo'] });

    // A YAML file imported from the list (merged with the set).
    await page.getByRole('link', { name: 'Cibles de veille' }).click();
    await page.getByLabel('Fichier YAML à importer').setInputFiles({
      name: 'import.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from('targets:\n  - id: importee\n    name: Importée\n    seeds: [https://importee.example/]\n'),
    });
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByText('Import : 1 ajoutée(s), 0 mise(s) à jour, 0 supprimée(s)').waitFor();
    expect(await page.locator('table.targets tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual(
      expect.arrayContaining(['annonces', 'forum', 'boutique', 'importee']),
    );
    expect(ui.problems.filter((p) => !expected(p)), ui.problems.join('\n')).toEqual([]);
  }, 90_000);

  it('renders the statistics as figures with captions, accessible images and tables of the same numbers', async () => {
    const { page } = ui;
    await page.getByRole('navigation').getByRole('link', { name: 'Statistiques' }).click();
    await page.waitForURL(/\/stats$/);
    const stats = (await api.get('/api/v1/stats')).body;
    const weeks = [...new Set(stats.perCategoryWeek.map((r: any) => r.week))].sort() as string[];
    const categories = [...new Set(stats.perCategoryWeek.map((r: any) => r.category))] as string[];
    const total = stats.perCategoryWeek.reduce((sum: number, r: any) => sum + r.alerts, 0);
    expect(total).toBeGreaterThanOrEqual(3);
    const weekly = page.getByRole('figure', { name: 'Alertes par catégorie et par semaine' });
    await weekly.waitFor();
    const summary = `Barres empilées : ${total} alertes sur ${weeks.length} semaine(s), ${categories.length} catégorie(s)`;
    expect(await weekly.getByRole('img', { name: summary, exact: true }).count()).toBe(1);
    expect(await weekly.locator('svg rect').count()).toBeGreaterThanOrEqual(1);
    // The table: one row per week, a column per category (and a total when there are several).
    const table = weekly.getByRole('table', { name: 'Alertes par catégorie et par semaine' });
    expect(await table.locator('tbody th').allTextContents()).toEqual(weeks);
    const cells = (await table.locator('tbody td').allTextContents()).map(Number);
    // Every alert comes from this run's crawl, in one week.
    expect(weeks).toHaveLength(1);
    expect(cells.slice(0, categories.length).reduce((a, b) => a + b, 0)).toBe(total);
    expect(await page.getByRole('figure', { name: 'Décisions par statut' }).getByRole('table').locator('tbody tr').count()).toBe(stats.decisions.length);
    // The numbers are there for sighted readers too, on request.
    const decisionsTable = page.getByRole('figure', { name: 'Décisions par statut' }).getByRole('table');
    const clipped = () => decisionsTable.evaluate((table) => getComputedStyle(table).clipPath !== 'none');
    expect(await clipped()).toBe(true);
    await page.getByRole('button', { name: 'Afficher les données : Décisions par statut' }).click();
    expect(await clipped()).toBe(false);
    expect(await page.getByRole('button', { name: 'Afficher les données : Décisions par statut' }).getAttribute('aria-pressed')).toBe('true');
    const timing = page.getByRole('figure', { name: 'Délai entre alerte et décision' });
    expect(await timing.getByRole('table').locator('tbody tr').count()).toBe(1);
    // No referral yet: said so, not an empty chart.
    expect(await page.getByRole('region', { name: 'Signalements par service' }).textContent()).toContain('Aucune donnée sur la période.');
    const csv = await fetch(new URL((await page.getByRole('link', { name: 'Télécharger en CSV' }).getAttribute('href'))!, desk.baseUrl), {
      headers: { cookie: (await ui.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect((await csv.text()).split('\r\n')[0]).toBe('week,category,alerts');
    await ui.screenshot('stats');

    // A range the API refuses is said, with the form still there to fix it.
    await page.goto('/stats?from=2026-05-10&to=2026-05-01');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'from must not be after to' }).count()).toBe(1);
    expect(await page.getByLabel('Du').inputValue()).toBe('2026-05-10');
    await page.goto('/stats');
    await weekly.waitFor();

    // In English too (the choice is kept), then back to French.
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
    expect(await page.getByRole('figure', { name: 'Alerts per category per week' }).getByRole('img', { name: /^Stacked bars: / }).count()).toBe(1);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { level: 1, name: 'Statistiques' }).waitFor();
    expect(ui.problems.filter((p) => !expected(p)), ui.problems.join('\n')).toEqual([]);
  }, 60_000);

  it('shows the API reference from openapi.json with the capability each route needs', async () => {
    const { page } = ui;
    await page.getByRole('navigation').getByRole('link', { name: 'API' }).click();
    await page.waitForURL(/\/api\/docs$/);
    const put = page.getByRole('article', { name: 'PUT /api/v1/targets/{id}' });
    await put.waitFor();
    expect(await put.textContent()).toContain('targets:write');
    const params = page.getByRole('table', { name: 'Paramètres de GET /api/v1/search' });
    expect(await params.locator('tbody th').allTextContents()).toEqual(expect.arrayContaining(['q', 'category', 'limit', 'facets']));
    expect(ui.problems.filter((p) => !expected(p)), ui.problems.join('\n')).toEqual([]);
  }, 60_000);
});
