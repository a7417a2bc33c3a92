// The desk's web app in real Chromium against the real server, with alerts produced by a real
// rendered crawl of a local site: sign-in (wrong then right password), keyboard triage whose
// decisions the API then reports, an alert whose capture is framed with sandbox="" (no script of
// the page runs: a beacon it would call stays silent), a blurred screenshot until asked, a referral
// whose package, downloaded through the page's link, verifies; and the admin screens.
// VIGIE_SCREENSHOTS=1 also writes docs/screenshots/*.png.
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import { loadTrustedKeys } from '../../crawler/evidence/index.ts';
import { verifyReferralPackage } from '../../review/referrals/index.ts';
import { startTestDesk, TEST_PASSWORD, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { CHROMIUM_PATH, launchDeskBrowser, type DeskBrowser } from '../helpers/desk-browser.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';

const OFFERS = [
  'Je vends de la cocaïne pure, livraison discrète partout en France, paiement en bitcoin uniquement, contactez-moi sur Telegram.',
  'Vente de cannabis et de résine de qualité, envoi discret par la poste, paiement en bitcoin, contactez-moi sur Telegram.',
  'Héroïne et MDMA disponibles, livraison discrète à domicile partout en France, paiement en bitcoin, contact Telegram.',
  'Je vends de la cocaïne et de la kétamine, livraison discrète partout, paiement en bitcoin uniquement, écrivez-moi sur Telegram.',
];

/** Counts requests that reach it: a script or resource of a captured page that ran in the desk would call it. */
let beaconHits = 0;

function site(beaconOrigin: () => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const post = /^\/post\/(\d)$/.exec(path);
    if (path === '/') {
      const links = OFFERS.map((_, i) => `<li><a href="/post/${i + 1}">Annonce ${i + 1}</a></li>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Petites annonces</title></head><body><ul>${links}</ul></body></html>`);
      return;
    }
    if (!post) return void res.writeHead(404).end();
    const n = Number(post[1]);
    // Post 1 is hostile: once outside its own site (i.e. in the desk), its script calls the beacon.
    const hostile =
      n === 1
        ? `<script>if (location.port !== '${new URL(`http://${req.headers.host}`).port}') { document.title = 'PWNED'; fetch('${beaconOrigin()}/script'); new Image().src = '${beaconOrigin()}/img'; }</script>
           <img src="${beaconOrigin()}/tracker.png" alt="pixel"><div style="background:url(${beaconOrigin()}/bg.png)">fond</div>`
        : '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Annonce ${n}</title></head>
      <body><main><h1>Annonce numéro ${n}</h1><p>Publiée dans la rubrique ${n}.</p><p>${OFFERS[n - 1]}</p>${hostile}</main></body></html>`);
  };
}

describe.skipIf(!existsSync(CHROMIUM_PATH))('the desk web app in Chromium', () => {
  let desk: TestDesk;
  let pages: TestServer;
  let beacon: TestServer;
  let ui: DeskBrowser;
  let api: DeskClient;

  beforeAll(async () => {
    beacon = await startHttpServer((_req, res) => {
      beaconHits++;
      res.writeHead(204).end();
    });
    pages = await startHttpServer(site(() => beacon.origin));
    desk = await startTestDesk('desk-web');
    const target = targetSchema.parse({
      id: 'annonces',
      name: 'Annonces',
      seeds: [pages.url('/')],
      allowPrivate: true,
      maxDepth: 1,
      render: 'always',
      robots: 'ignore',
      robotsIgnoreReason: 'test',
      politeness: { minDelayMs: 0 },
      browser: { scroll: { maxSteps: 0 } },
    });
    await crawlOnce(desk.pipeline.deps, target, { concurrency: 2, pollMs: 100 });
    api = await desk.tokenClient('robot', 'admin');
    ui = await launchDeskBrowser(desk);
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
    await desk?.close();
    await pages?.close();
    await beacon?.close();
  });

  it('has alerts from the crawl to review', async () => {
    const { body } = await api.get('/api/v1/alerts?queue=open');
    expect(body.total).toBeGreaterThanOrEqual(3);
    expect(body.alerts.filter((a: any) => a.urls.some((u: string) => u.endsWith('/post/1')))).toHaveLength(1);
  });

  it('refuses a wrong password, then signs in and shows the user and role', async () => {
    await desk.addUser('anna', 'analyst');
    const { page } = ui;
    await page.goto('/queue');
    await page.waitForURL(/\/sign-in\?next=%2Fqueue/);
    await ui.screenshot('sign-in');
    await page.getByLabel('Identifiant').fill('anna');
    await page.getByLabel('Mot de passe').fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Identifiant ou mot de passe incorrect' }).count()).toBe(1);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/queue$/);
    await expect.poll(() => page.locator('header .who').textContent()).toBe('anna analyste');
    // The menu follows the role: an analyst has no admin screens.
    const menu = await page.getByRole('navigation').getByRole('link').allTextContents();
    expect(menu).toContain('File d’alertes');
    expect(menu).not.toContain('Utilisateurs');
    expect(menu).not.toContain('Journal d’audit');
  }, 60_000);

  it('triages from the keyboard: j moves, d dismisses with a reason, c confirms, x checks rows for a bulk assign; the API sees it all', async () => {
    const { page } = ui;
    const rows = page.locator('table.queue tbody tr[data-id]');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')!));
    await ui.screenshot('queue');
    expect(await rows.nth(0).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('j');
    expect(await rows.nth(1).getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('d');
    const dialog = page.getByRole('dialog', { name: 'Écarter : pour quelle raison ?' });
    await dialog.waitFor();
    await page.keyboard.press('2');
    expect(await dialog.getByLabel('2. Contenu légitime').isChecked()).toBe(true);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rows.nth(1).locator('.status').textContent()).toBe('écartée');
    // The selection moved on to the next alert.
    expect(await rows.nth(2).getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('c');
    await expect.poll(() => rows.nth(2).locator('.status').textContent()).toBe('confirmée');

    // x checks the selected row (now the fourth), k moves back up; the bulk bar assigns both to me.
    expect(await rows.nth(3).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('x');
    for (let i = 0; i < 3; i++) await page.keyboard.press('k');
    await page.keyboard.press('x');
    expect(await page.getByText('2 cochée(s)').count()).toBe(1);
    await page.getByRole('group', { name: 'Actions sur les alertes cochées' }).getByRole('button', { name: 'Assigner…' }).click();
    const assign = page.getByRole('dialog', { name: 'Assigner à' });
    await assign.getByLabel('À moi (anna)').check();
    await assign.getByRole('button', { name: 'Assigner' }).click();
    await expect.poll(() => rows.locator('.status').allTextContents()).toEqual(['assignée', 'écartée', 'confirmée', 'assignée']);
    for (const id of [ids[0], ids[3]]) expect((await api.get(`/api/v1/alerts/${id}`)).body).toMatchObject({ status: 'assigned', assignee: 'anna' });

    const dismissed = (await api.get(`/api/v1/alerts/${ids[1]}`)).body;
    expect(dismissed).toMatchObject({ status: 'dismissed', decision: { reason: 'legitimate-content', actor: 'anna' } });
    const confirmed = (await api.get(`/api/v1/alerts/${ids[2]}`)).body;
    expect(confirmed).toMatchObject({ status: 'confirmed', decision: { actor: 'anna' } });
    expect(ui.problems.filter((p) => !p.includes('401')), ui.problems.join('\n')).toEqual([]);
  }, 60_000);

  it('pages, filters and groups the queue from its URL; shows the shortcuts; says what the server refused', async () => {
    const { page } = ui;
    const rows = page.locator('table.queue tbody tr[data-id]');
    const rowIds = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    await page.goto('/queue?status=all&limit=2');
    await expect.poll(() => page.locator('caption').textContent()).toContain('(4 au total)');
    expect(await rows.count()).toBe(2);
    const first = await rowIds();
    const pager = page.getByRole('navigation', { name: 'Pages de la file' });
    expect(await pager.textContent()).toContain('Page 1 sur 2 · 1–2 sur 4');
    await pager.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForURL(/page=2/);
    await expect.poll(() => pager.textContent()).toContain('3–4 sur 4');
    const second = await rowIds();
    expect(second).toHaveLength(2);
    expect(second.filter((id) => first.includes(id))).toEqual([]);

    await page.getByLabel('Statut').selectOption('dismissed');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/\/queue\?limit=2&status=dismissed$/);
    await expect.poll(() => rows.locator('.status').allTextContents()).toEqual(['écartée']);
    await page.reload();
    await expect.poll(() => rows.locator('.status').allTextContents()).toEqual(['écartée']);

    // A date range (whole days of the browser's time zone) that holds none of them, then one that holds all.
    await page.goto('/queue?status=all&from=2000-01-01&to=2000-01-02');
    await expect.poll(() => page.locator('caption').textContent()).toContain('(0 au total)');
    expect(await page.getByText('Aucune alerte ne correspond à ces filtres.').count()).toBe(1);
    expect(await page.getByLabel('Vue depuis le').inputValue()).toBe('2000-01-01');
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
    await page.getByLabel('Vue depuis le').fill('2000-01-01');
    await page.getByLabel('Vue jusqu’au').fill(today);
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await expect.poll(() => page.locator('caption').textContent()).toContain('(4 au total)');

    await page.goto('/queue?status=all');
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByLabel('Regrouper par contenu').check();
    await page.waitForURL(/group=content/);
    await expect.poll(() => rows.count()).toBe(4);

    // From an alert, the way back returns to this very view.
    await page.getByRole('link', { name: 'Mes alertes' }).click();
    await page.waitForURL(/\/queue\?assignee=anna$/);
    await expect.poll(() => rows.locator('.status').allTextContents()).toEqual(['assignée', 'assignée']);
    await rows.first().locator('a.url').click();
    await page.waitForURL(/\/alerts\//);
    await page.getByRole('link', { name: '← File d’alertes' }).click();
    await page.waitForURL(/\/queue\?assignee=anna$/);
    await expect.poll(() => rows.count()).toBe(2);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Raccourcis clavier' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // An assignee the server refuses: its message reaches the alert region, nothing changes.
    await page.goto('/queue');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const before = (await api.get(`/api/v1/alerts/${(await rowIds())[0]}`)).body;
    await page.keyboard.press('a');
    const assign = page.getByRole('dialog', { name: 'Assigner à' });
    await assign.getByLabel('Identifiant de l’utilisateur').fill('nobody');
    await assign.getByRole('button', { name: 'Assigner' }).click();
    await expect.poll(() => page.locator('#toasts').textContent()).toContain('no active account named nobody');
    expect((await api.get(`/api/v1/alerts/${before.id}`)).body).toMatchObject({ status: before.status });

    // A session gone (expired, signed out elsewhere): the next action leads to the sign-in page.
    await ui.context.clearCookies();
    await page.keyboard.press('c');
    await page.waitForURL(/\/sign-in\?next=%2Fqueue/);
    expect((await api.get(`/api/v1/alerts/${before.id}`)).body).toMatchObject({ status: before.status });
    await ui.signIn('anna');
    ui.problems.splice(0, ui.problems.length, ...ui.problems.filter((p) => !/\b(400|401)\b/.test(p)));
  }, 90_000);

  it('opens an alert: capture framed with sandbox="" where no script of the page runs, marks, blurred screenshot', async () => {
    const { page } = ui;
    // Any status: the triage above may have decided it.
    await page.goto('/queue?status=all');
    const hostileRow = page.locator('table.queue tbody tr[data-id]', { has: page.locator('a.url', { hasText: '/post/1' }) });
    await hostileRow.waitFor();
    const alertId = await hostileRow.getAttribute('data-id');
    beaconHits = 0;
    await hostileRow.locator('td').nth(1).click();
    await page.keyboard.press('o');
    await page.waitForURL(`**/alerts/${alertId}`);

    const frame = page.locator('iframe.capture');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('src')).toMatch(/^\/api\/v1\/pages\/[^/]+\/capture$/);
    await expect.poll(() => page.frameLocator('iframe.capture').locator('body').textContent()).toContain('Annonce numéro 1');

    // Why: the rules that fired, with the terms they matched, and the legal qualification.
    const why = page.getByRole('region', { name: 'Pourquoi cette alerte' });
    const rules = await why.locator('code').allTextContents();
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((id) => /^[a-z0-9][a-z0-9.-]*$/.test(id))).toBe(true);
    expect(await why.textContent()).toContain('Code de la santé publique');

    // The page's text, with what matched marked.
    const marks = page.getByRole('region', { name: 'Texte principal (termes et entités surlignés)' }).locator('mark');
    expect(await marks.count()).toBeGreaterThan(0);

    const image = page.getByRole('img', { name: 'Capture d’écran de la page' });
    await image.waitFor();
    expect(await image.evaluate((img) => getComputedStyle(img).filter)).toContain('blur');
    await ui.screenshot('alert', { fullPage: true });
    await page.getByRole('button', { name: 'Afficher l’image' }).click();
    expect(await image.evaluate((img) => getComputedStyle(img).filter)).toBe('none');
    expect(await page.getByRole('button', { name: 'Flouter l’image' }).getAttribute('aria-pressed')).toBe('true');

    // Everything has loaded; had any script or resource of the captured page run, the beacon would know.
    await page.waitForLoadState('networkidle');
    expect(beaconHits).toBe(0);
    expect(await page.title()).not.toContain('PWNED');
  }, 60_000);

  it('keeps a script out even if the sanitiser let one through: the frame\'s sandbox alone stops it', async () => {
    const { page } = ui;
    // The capture answered as raw hostile HTML, without the server's CSP: only the iframe's sandbox is left.
    const raw = `<!doctype html><p>brut</p><script>new Image().src = '${beacon.origin}/unsanitised'; parent.document.title = 'PWNED';</script>`;
    await page.route('**/api/v1/pages/*/capture', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: raw }));
    beaconHits = 0;
    await page.reload();
    await expect.poll(() => page.frameLocator('iframe.capture').locator('body').textContent()).toContain('brut');
    await page.waitForLoadState('networkidle');
    expect(beaconHits).toBe(0);
    expect(await page.title()).not.toContain('PWNED');
    // Chromium says why: the frame is sandboxed without allow-scripts.
    const blocked = ui.problems.filter((p) => p.includes('Blocked script execution') && p.includes('sandboxed'));
    expect(blocked.length).toBeGreaterThan(0);
    ui.problems.splice(0, ui.problems.length, ...ui.problems.filter((p) => !blocked.includes(p)));
    await page.unrouteAll();
  }, 60_000);

  it('refers an alert: service suggested, qualification prefilled; the package downloaded through the link verifies', async () => {
    const { page } = ui;
    const open = (await api.get('/api/v1/alerts?queue=open&category=drugs&limit=1')).body.alerts[0];
    await page.goto(`/alerts/${open.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('r');
    await page.getByRole('dialog', { name: 'Signaler à un service' }).waitFor();
    // Its heading (so its name) becomes "Signalement préparé" once the package is built.
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Service destinataire').inputValue()).toBe('ofast');
    const qualification = dialog.getByLabel('Qualification juridique');
    expect(await qualification.inputValue()).toContain('Code de la santé publique');
    await qualification.fill(`${await qualification.inputValue()}\nVente en ligne, livraison sur tout le territoire.`);
    await dialog.getByLabel('Commentaire').fill('Annonce active, paiement en bitcoin.');
    await dialog.getByRole('button', { name: 'Préparer le signalement' }).click();
    // The server builds the package (report PDF printed by Chromium) before answering.
    await page.getByRole('dialog', { name: 'Signalement préparé' }).waitFor({ timeout: 90_000 });
    const link = dialog.getByRole('link', { name: 'Télécharger le dossier (ZIP signé)' });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const zip = readFileSync((await download.path())!);
    const report = verifyReferralPackage(zip, await loadTrustedKeys(desk.pipeline.deps.settings.dataDir));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    await ui.screenshot('referral');

    await dialog.getByLabel('Statut du signalement').selectOption('sent');
    const referrals = async () => (await api.get(`/api/v1/referrals?alert=${open.id}`)).body.referrals;
    await expect.poll(async () => (await referrals())[0]?.status).toBe('sent');
    const [referral] = await referrals();
    expect(referral).toMatchObject({ service: 'ofast', createdBy: 'anna', comment: 'Annonce active, paiement en bitcoin.' });
    expect(referral.qualification).toContain('livraison sur tout le territoire');

    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await expect.poll(() => page.locator('.alert-head .status').textContent()).toBe('signalée');
    const panel = page.getByRole('region', { name: 'Signalements' });
    expect(await panel.getByRole('link', { name: 'Télécharger le dossier (ZIP signé)' }).count()).toBe(1);
    expect(await panel.textContent()).toContain('Office anti-stupéfiants (OFAST)');
    expect(ui.problems.filter((p) => !p.includes('401')), ui.problems.join('\n')).toEqual([]);
  }, 180_000);

  it('switches the interface to English and remembers it', async () => {
    const { page } = ui;
    await page.goto('/queue');
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { name: 'Alert queue' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Alert queue' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'File d’alertes' }).waitFor();

    // With nothing stored, the browser's language decides.
    const english = await ui.browser.newContext({ baseURL: desk.baseUrl, locale: 'en-US' });
    const other = await english.newPage();
    await other.goto('/queue');
    await other.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await other.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    await english.close();
  }, 60_000);

  it('signs out, and an admin manages accounts and tokens and reads the audit log', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/sign-in/);
    // A `next` that would leave the site (/\host reads as //host) is ignored: home instead.
    await desk.addUser('root', 'admin');
    await page.goto('/sign-in?next=%2F%5Cevil.example%2Fx');
    await page.getByLabel('Identifiant').fill('root');
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${desk.baseUrl}/queue`);
    const menu = await page.getByRole('navigation').getByRole('link').allTextContents();
    expect(menu).toEqual(expect.arrayContaining(['File d’alertes', 'Utilisateurs', 'Journal d’audit']));

    await page.getByRole('link', { name: 'Utilisateurs' }).click();
    await page.waitForURL(/\/users$/);
    await page.getByLabel('Identifiant').fill('bob');
    await page.getByLabel('Rôle', { exact: true }).selectOption('investigator');
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    const roleOfBob = page.getByLabel('Rôle de bob');
    await roleOfBob.waitFor();
    expect(await roleOfBob.inputValue()).toBe('investigator');
    await roleOfBob.selectOption('ops');
    await expect.poll(async () => (await desk.desk.getUser('bob'))?.role).toBe('ops');

    await page.getByRole('button', { name: 'Désactiver bob' }).click();
    await page.getByRole('button', { name: 'Réactiver bob' }).waitFor();
    expect((await desk.desk.getUser('bob'))?.disabled).toBe(true);
    await page.getByRole('button', { name: 'Réactiver bob' }).click();
    await page.getByRole('button', { name: 'Désactiver bob' }).waitFor();
    expect((await desk.desk.getUser('bob'))?.disabled).toBe(false);

    await page.getByRole('button', { name: 'Jetons d’API de bob' }).click();
    const tokens = page.getByRole('dialog', { name: 'Jetons d’API de bob' });
    await tokens.getByLabel('Nom du nouveau jeton (usage)').fill('export nocturne');
    await tokens.getByRole('button', { name: 'Créer un jeton' }).click();
    const secret = tokens.getByLabel('Jeton créé (affiché une seule fois)');
    await secret.waitFor();
    const token = await secret.inputValue();
    expect(token).toMatch(/^vgt_/);
    const me = await fetch(`${desk.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as any).user).toEqual({ username: 'bob', role: 'ops' });
    await ui.screenshot('users');
    await tokens.getByRole('button', { name: 'Annuler' }).click();

    await page.getByRole('link', { name: 'Journal d’audit' }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByLabel('Action').fill('user.update');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/\/audit\?action=user.update$/);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.locator('td:nth-child(5)').allTextContents()).toEqual(['bob', 'bob', 'bob']);
    await ui.screenshot('audit');
    expect(ui.problems.filter((p) => !p.includes('401')), ui.problems.join('\n')).toEqual([]);
  }, 90_000);
});
