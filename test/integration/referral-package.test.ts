// A referral package built from real stored evidence and printed by real Chromium, then checked
// the way a receiving service would: it verifies as built; any byte changed in any file, a file
// removed or added, a foreign signing key each give the right problem; child-abuse packages
// carry no image; printing the report reaches no network.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf, readInstancePublicKey, type InstanceKey, type TrustedKey } from '../../crawler/evidence/index.ts';
import { rawEd25519PublicKey } from '../../crawler/evidence/public-keys.ts';
import { buildReferralPackage, CHILD_ABUSE_OMISSION, verifyReferralPackage, type PackageManifest, type ReferralPackage } from '../../review/referrals/index.ts';
import { signPackageManifest } from '../../review/referrals/package-manifest.ts';
import { writeZip } from '../../review/referrals/package-zip.ts';
import { renderReportPdf } from '../../review/referrals/report-pdf.ts';
import { lastJson, runVigie } from '../helpers/cli.ts';
import { CHROMIUM_PATH, makeReferralFixture, type ReferralFixture } from '../helpers/referral-fixtures.ts';

const TIMEOUT = 120_000;

function entries(zip: Uint8Array): { path: string; content: Uint8Array }[] {
  return Object.entries(unzipSync(zip)).map(([path, content]) => ({ path, content }));
}

function rezip(list: { path: string; content: Uint8Array }[]): Buffer {
  return writeZip(list, '2026-12-01T09:30:00.000Z');
}

function foreignKey(): InstanceKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKeyRaw = rawEd25519PublicKey(privateKey);
  return { keyId: keyIdOf(publicKeyRaw), publicKeyRaw, publicKeyPem: '', path: '(test)', sign: (data) => sign(null, data, privateKey) };
}

describe('referral package', () => {
  let fixture: ReferralFixture;
  let pkg: ReferralPackage;
  let trusted: TrustedKey[];

  beforeAll(async () => {
    fixture = await makeReferralFixture('carding');
    pkg = await buildReferralPackage(fixture.input());
    trusted = [(await readInstancePublicKey(fixture.dataDir))!];
  }, TIMEOUT);
  afterAll(async () => fixture?.cleanup());

  it('holds the evidence, the report in HTML and PDF, MISP, STIX and the signed manifest, and verifies', () => {
    const names = entries(pkg.zip).map((e) => e.path);
    const dir = `evidence/${fixture.page.id}`;
    expect(names).toEqual([
      'manifest.json', 'report.html', 'report.pdf', 'misp-event.json', 'stix-bundle.json',
      `${dir}/manifest.json`, `${dir}/response-body.html.txt`, `${dir}/response-headers.json`, `${dir}/rendered-dom.html.txt`, `${dir}/screenshot.png`,
    ]);
    const pdf = unzipSync(pkg.zip)['report.pdf']!;
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5000);
    const screenshot = unzipSync(pkg.zip)[`${dir}/screenshot.png`]!;
    expect(Buffer.from(screenshot.subarray(1, 4)).toString('latin1')).toBe('PNG');
    const report = verifyReferralPackage(pkg.zip, trusted);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.signer).toBe(fixture.key.keyId);
    expect(report.manifest?.referral).toMatchObject({ id: 'ref-0001', alertId: fixture.alert.id, analyst: 'alice', service: { id: 'ofac' } });
    expect(report.files).toBe(9);
  });

  it('lays the archive out the same way every time (entry order and dates)', async () => {
    const again = await buildReferralPackage(fixture.input());
    const a = entries(pkg.zip);
    const b = entries(again.zip);
    expect(b.map((e) => e.path)).toEqual(a.map((e) => e.path));
    // Chromium stamps its creation time in the PDF (and so the manifest): everything else is identical.
    for (const [index, entry] of a.entries()) {
      if (entry.path === 'report.pdf' || entry.path === 'manifest.json') continue;
      expect(Buffer.from(b[index]!.content).equals(Buffer.from(entry.content)), entry.path).toBe(true);
    }
    // The DOS date of every entry is the referral's time (UTC wall clock): 2026-12-01 09:30:00.
    const view = Buffer.from(pkg.zip);
    const dosTime = (9 << 11) | (30 << 5);
    const dosDate = ((2026 - 1980) << 9) | (12 << 5) | 1;
    expect(view.readUInt16LE(10)).toBe(dosTime);
    expect(view.readUInt16LE(12)).toBe(dosDate);
  }, TIMEOUT);

  it('finds any byte changed in any file', () => {
    const list = entries(pkg.zip);
    for (const [index, entry] of list.entries()) {
      const changed = Buffer.from(entry.content);
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at]! ^ 0x01;
      const tampered = list.map((e, i) => (i === index ? { path: e.path, content: changed } : e));
      const report = verifyReferralPackage(rezip(tampered), trusted);
      expect(report.ok, entry.path).toBe(false);
      const codes = report.problems.filter((p) => p.path === entry.path).map((p) => p.code);
      if (entry.path === 'manifest.json') expect(codes.some((c) => ['signature-invalid', 'manifest-unreadable', 'manifest-invalid', 'manifest-not-canonical'].includes(c)), codes.join()).toBe(true);
      else expect(codes, entry.path).toContain('file-hash-mismatch');
    }
  });

  it('finds a file removed, a file added, a name given twice, and an unsafe name', () => {
    const list = entries(pkg.zip);
    const removed = verifyReferralPackage(rezip(list.filter((e) => e.path !== 'misp-event.json')), trusted);
    expect(removed.problems).toEqual([{ code: 'file-missing', path: 'misp-event.json', message: expect.any(String) }]);

    const added = verifyReferralPackage(rezip([...list, { path: 'notes.txt', content: Buffer.from('ajout') }]), trusted);
    expect(added.problems).toEqual([{ code: 'file-extra', path: 'notes.txt', message: expect.any(String) }]);

    const climbing = verifyReferralPackage(rezip([...list, { path: '../evil.sh', content: Buffer.from('x') }]), trusted);
    expect(climbing.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['unsafe-path', 'file-extra']));

    // Two entries of the same name: fflate's writer refuses it, so the second name is patched in.
    const twice = rezip([...list, { path: 'report.htmX', content: Buffer.from('autre') }]);
    const patched = Buffer.from(twice.toString('latin1').replaceAll('report.htmX', 'report.html'), 'latin1');
    expect(verifyReferralPackage(patched, trusted).problems.map((p) => p.code)).toContain('file-duplicate');

    expect(verifyReferralPackage(Buffer.from('not a zip'), trusted).problems.map((p) => p.code)).toEqual(['zip-unreadable']);
    expect(verifyReferralPackage(rezip(list.filter((e) => e.path !== 'manifest.json')), trusted).problems.map((p) => p.code)).toEqual(['manifest-missing']);
  });

  it('refuses a package signed by a key it does not trust, and a re-signed forgery', () => {
    expect(verifyReferralPackage(pkg.zip, []).problems.map((p) => p.code)).toEqual(['key-untrusted', 'evidence-key-untrusted']);

    // A forger swaps the report and re-signs the manifest with their own key: hashes agree, the key does not.
    const list = entries(pkg.zip);
    const forged = Buffer.from('<html><body>faux</body></html>');
    const manifest = JSON.parse(Buffer.from(list[0]!.content).toString('utf8')).manifest as PackageManifest;
    const key = foreignKey();
    const files = manifest.files.map((f) => (f.path === 'report.html' ? { ...f, sha256: sha256(forged), bytes: forged.length } : f));
    const resigned = signPackageManifest({ ...manifest, files, vigie: { ...manifest.vigie, instanceKeyId: key.keyId } }, key);
    const forgery = rezip(list.map((e) => (e.path === 'manifest.json' ? { path: e.path, content: resigned } : e.path === 'report.html' ? { path: e.path, content: forged } : e)));
    const report = verifyReferralPackage(forgery, trusted);
    expect(report.problems).toEqual([{ code: 'key-untrusted', path: 'manifest.json', message: expect.stringContaining(key.keyId) }]);
    // Trusting the forger's key still leaves the page evidence signed at capture to check against.
    expect(verifyReferralPackage(forgery, [...trusted, { keyId: key.keyId, publicKeyRaw: key.publicKeyRaw, source: 'test' }]).ok).toBe(true);
  });

  it('is checked by `vigie referrals verify` (exit 0 verified, 1 with each problem printed)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-referral-cli-'));
    try {
      const good = join(dir, 'good.zip');
      const bad = join(dir, 'bad.zip');
      await writeFile(good, pkg.zip);
      await writeFile(bad, rezip(entries(pkg.zip).filter((e) => e.path !== 'report.pdf')));
      const env = { VIGIE_DATA_DIR: fixture.dataDir };
      const ok = await runVigie(['referrals', 'verify', good], { env });
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('verified');
      const failed = await runVigie(['referrals', 'verify', bad], { env });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('FAIL report.pdf  file-missing');
      // Another data directory (so no trusted key) and a pinned hash the package does not have.
      const pinned = await runVigie(['referrals', 'verify', good, '--json', '--sha256', 'f'.repeat(64), '--data-dir', dir], {});
      expect(pinned.code).toBe(1);
      const report = lastJson<{ ok: boolean; problems: { code: string }[] }>(pinned.stdout);
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.code)).toEqual(['file-hash-mismatch', 'key-untrusted', 'evidence-key-untrusted']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 3 * TIMEOUT); // each run of the command loads the whole CLI through tsx

  it('finds evidence swapped for other bytes even when the package manifest is re-signed over them', () => {
    const list = entries(pkg.zip);
    const manifest = JSON.parse(Buffer.from(list[0]!.content).toString('utf8')).manifest as PackageManifest;
    const bodyPath = `evidence/${fixture.page.id}/response-body.html.txt`;
    const swapped = Buffer.from('<html>autre contenu</html>');
    const files = manifest.files.map((f) => (f.path === bodyPath ? { ...f, sha256: sha256(swapped), bytes: swapped.length } : f));
    const resigned = signPackageManifest({ ...manifest, files }, fixture.key);
    const zip = rezip(list.map((e) => (e.path === 'manifest.json' ? { path: e.path, content: resigned } : e.path === bodyPath ? { path: e.path, content: swapped } : e)));
    const problems = verifyReferralPackage(zip, trusted).problems;
    expect(problems.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ['evidence-mismatch', bodyPath],
        ['evidence-mismatch', `evidence/${fixture.page.id}/`],
      ]),
    );
  });
});

describe('child-abuse referral package', () => {
  let fixture: ReferralFixture;

  beforeAll(async () => {
    fixture = await makeReferralFixture('child-abuse');
  }, TIMEOUT);
  afterAll(async () => fixture?.cleanup());

  it('holds no screenshot or image, lists them as omitted, says so, and verifies', async () => {
    const pkg = await buildReferralPackage(fixture.input());
    const files = unzipSync(pkg.zip);
    const names = Object.keys(files);
    expect(names.some((n) => /screenshot|\.png$|\.jpe?g$|\.gif$|\.webp$/.test(n))).toBe(false);
    // No entry carries the screenshot's bytes under another name either.
    for (const content of Object.values(files)) expect(sha256(content)).not.toBe(fixture.screenshotSha256);
    expect(pkg.manifest.omitted).toEqual([
      { pageId: fixture.page.id, role: 'screenshot', sha256: fixture.screenshotSha256, bytes: expect.any(Number), mediaType: 'image/png', reason: CHILD_ABUSE_OMISSION },
    ]);
    expect(Buffer.from(files['report.html']!).toString('utf8')).toContain('aucune capture d\'écran ni aucune image');
    expect(pkg.manifest.referral.service.id).toBe('ofmin');
    const trusted = [(await readInstancePublicKey(fixture.dataDir))!];
    expect(verifyReferralPackage(pkg.zip, trusted).problems).toEqual([]);
  }, TIMEOUT);
});

describe('report PDF printing', () => {
  let server: Server;
  let hits = 0;
  let base = '';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('requests nothing, whatever the HTML asks for (scripts, styles, images, frames)', async () => {
    const html = `<!DOCTYPE html><html><head><link rel="stylesheet" href="${base}/a.css"><script src="${base}/b.js"></script>
      <script>document.title = 'ran'; fetch('${base}/c');</script></head>
      <body><img src="${base}/d.png"><iframe src="${base}/e"></iframe><p style="background:url(${base}/f.png)">texte</p></body></html>`;
    const pdf = await renderReportPdf(html, { chromiumPath: CHROMIUM_PATH });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The server is up (a direct request counts) and saw nothing from the printing.
    expect(hits).toBe(0);
    await fetch(`${base}/check`).then((r) => r.text());
    expect(hits).toBe(1);
  }, TIMEOUT);
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
