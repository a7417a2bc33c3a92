// Signed manifests: the signature covers the canonical JSON of the whole manifest, so any change
// to any field, an added field, or a signature by another key is caught.
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../../crawler/evidence/canonical-json.ts';
import { loadOrCreateInstanceKey, type InstanceKey } from '../../crawler/evidence/instance-key.ts';
import {
  checkManifestSignature,
  parseSignedManifest,
  serializeSignedManifest,
  signManifest,
  type EvidenceManifest,
  type SignedManifest,
} from '../../crawler/evidence/manifest.ts';

let dirs: string[] = [];
let key: InstanceKey;
let otherKey: InstanceKey;

beforeAll(async () => {
  dirs = [await mkdtemp(join(tmpdir(), 'vigie-manifest-')), await mkdtemp(join(tmpdir(), 'vigie-manifest-'))];
  key = await loadOrCreateInstanceKey(dirs[0]!);
  otherKey = await loadOrCreateInstanceKey(dirs[1]!);
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function manifestFor(signer: InstanceKey, overrides: Partial<EvidenceManifest> = {}): EvidenceManifest {
  return {
    manifestVersion: 1,
    pageId: 'page-1',
    url: 'http://forum.example/t/1',
    finalUrl: 'https://forum.example/t/1',
    redirects: ['https://forum.example/t/1'],
    targetId: 'forum',
    runId: 'run-1',
    fetchedAt: '2026-03-01T10:00:00.000Z',
    completedAt: '2026-03-01T10:00:02.500Z',
    httpStatus: 200,
    remoteAddress: '203.0.113.7',
    tls: null,
    rendered: false,
    contentHash: 'c0ffee',
    artifacts: [{ role: 'response-body', sha256: 'a'.repeat(64), bytes: 1234, mediaType: 'text/html' }],
    vigie: { version: '0.1.0', instanceKeyId: signer.keyId },
    ...overrides,
  };
}

function roundTrip(signed: SignedManifest) {
  const parsed = parseSignedManifest(serializeSignedManifest(signed));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed;
}

describe('signed manifests', () => {
  it('sign the canonical JSON with Ed25519, verifiable with the public key alone', () => {
    const signed = signManifest(manifestFor(key), key);
    expect(signed.signature).toMatchObject({ algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyRaw.toString('base64') });
    const publicKey = createPublicKey(key.publicKeyPem);
    expect(verify(null, canonicalJsonBytes(signed.manifest), publicKey, Buffer.from(signed.signature.value, 'base64'))).toBe(true);
    const parsed = roundTrip(signed);
    expect(checkManifestSignature(parsed.signed, parsed.rawManifest)).toBeNull();
  });

  it('serialize deterministically (the stored bytes are the id)', () => {
    const signed = signManifest(manifestFor(key), key);
    const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, manifest: signed.manifest })) as SignedManifest;
    expect(serializeSignedManifest(reordered).equals(serializeSignedManifest(signed))).toBe(true);
  });

  it('catch a changed field', () => {
    const parsed = roundTrip(signManifest(manifestFor(key), key));
    (parsed.rawManifest as EvidenceManifest).httpStatus = 404;
    expect(checkManifestSignature(parsed.signed, parsed.rawManifest)?.code).toBe('signature-invalid');
  });

  it('catch a changed artifact hash', () => {
    const parsed = roundTrip(signManifest(manifestFor(key), key));
    (parsed.rawManifest as EvidenceManifest).artifacts[0]!.sha256 = 'b'.repeat(64);
    expect(checkManifestSignature(parsed.signed, parsed.rawManifest)?.code).toBe('signature-invalid');
  });

  it('catch an added field the schema does not know', () => {
    const signed = signManifest(manifestFor(key), key);
    const bytes = serializeSignedManifest({ ...signed, manifest: { ...signed.manifest, note: 'added later' } as EvidenceManifest });
    const parsed = parseSignedManifest(bytes);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(checkManifestSignature(parsed.signed, parsed.rawManifest)?.code).toBe('signature-invalid');
  });

  it('catch a signature by another key presented as this one', () => {
    const signed = signManifest(manifestFor(key), key);
    const forged = signManifest(manifestFor(otherKey), otherKey);
    const mixed: SignedManifest = { manifest: signed.manifest, signature: { ...signed.signature, value: forged.signature.value } };
    const parsed = roundTrip(mixed);
    expect(checkManifestSignature(parsed.signed, parsed.rawManifest)?.code).toBe('signature-invalid');
  });

  it('catch a key id that does not match the key', () => {
    const signed = signManifest(manifestFor(key), key);
    const parsed = roundTrip({ ...signed, signature: { ...signed.signature, publicKey: otherKey.publicKeyRaw.toString('base64') } });
    expect(checkManifestSignature(parsed.signed, parsed.rawManifest)).toMatchObject({ code: 'key-id-mismatch' });
    const resigned = signManifest(manifestFor(otherKey), otherKey);
    const renamed = roundTrip({ ...resigned, manifest: { ...resigned.manifest, vigie: { ...resigned.manifest.vigie, instanceKeyId: key.keyId } } });
    expect(checkManifestSignature(renamed.signed, renamed.rawManifest)).toMatchObject({ code: 'key-id-mismatch' });
  });

  it('refuse to sign a manifest naming another key', () => {
    expect(() => signManifest(manifestFor(otherKey), key)).toThrow(/signing key is/);
  });

  it('accept only the exact bytes they were stored as, and nothing beside the manifest and signature', () => {
    const signed = signManifest(manifestFor(key), key);
    const canonical = serializeSignedManifest(signed).toString('utf8');
    expect(parseSignedManifest(Buffer.from(canonical)).ok).toBe(true);
    const notCanonical = {
      'pretty-printed': JSON.stringify(signed, null, 1),
      reordered: JSON.stringify({ signature: signed.signature, manifest: signed.manifest }),
      'duplicate key': canonical.replace('"pageId":"page-1"', '"pageId":"page-2","pageId":"page-1"'),
      'escaped where canonical JSON is not': canonical.replace('"page-1"', '"page\\u002d1"'),
      'trailing newline': `${canonical}\n`,
    };
    for (const [name, text] of Object.entries(notCanonical)) {
      expect(text, name).not.toBe(canonical);
      expect(parseSignedManifest(Buffer.from(text)), name).toMatchObject({ ok: false, code: 'manifest-not-canonical', url: 'http://forum.example/t/1' });
    }
    const annotated = parseSignedManifest(canonicalJsonBytes({ ...signed, annotation: 'x' }));
    expect(annotated).toMatchObject({ ok: false, code: 'manifest-invalid' });
    const signatureNote = parseSignedManifest(canonicalJsonBytes({ ...signed, signature: { ...signed.signature, note: 'x' } }));
    expect(signatureNote).toMatchObject({ ok: false, code: 'manifest-invalid' });
  });

  it('report unreadable and invalid manifests', () => {
    expect(parseSignedManifest(Buffer.from('{"manifest": '))).toMatchObject({ ok: false, code: 'manifest-unreadable' });
    expect(parseSignedManifest(Buffer.from([0xff, 0xfe, 0x7b]))).toMatchObject({ ok: false, code: 'manifest-unreadable' });
    const signed = signManifest(manifestFor(key), key);
    const bad = { ...signed, manifest: { ...signed.manifest, fetchedAt: '1 March 2026', artifacts: [{ role: 'Body', sha256: '../../etc/passwd', bytes: -1, mediaType: '' }] } };
    const parsed = parseSignedManifest(Buffer.from(JSON.stringify(bad)));
    expect(parsed).toMatchObject({ ok: false, code: 'manifest-invalid' });
    if (!parsed.ok) expect(parsed.message).toMatch(/manifest\.fetchedAt/);
  });
});
