// Opening evidence from settings: the store the settings select (S3 when VIGIE_EVIDENCE_S3_URL is
// set, else `<dataDir>/evidence`), the instance key (always on local disk), Vigie's version, and
// the keys a verification trusts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settings } from '../../config/settings.ts';
import type { ArtifactStore } from './artifact-store.ts';
import type { EvidenceWriter } from './build-evidence.ts';
import { FsArtifactStore } from './fs-artifact-store.ts';
import { KEYS_DIR, loadOrCreateInstanceKey, readInstancePublicKey } from './instance-key.ts';
import { readTrustedKeyDir, readTrustedKeyFile, type TrustedKey } from './public-keys.ts';

export const TRUSTED_KEYS_DIR = 'trusted';

export type EvidenceSettings = Pick<Settings, 'dataDir' | 'evidenceS3'>;

/** The configured store; the caller closes it. */
export async function openEvidenceStore(settings: EvidenceSettings): Promise<ArtifactStore> {
  const s3 = settings.evidenceS3;
  if (!s3) return FsArtifactStore.forDataDir(settings.dataDir);
  // Loaded only when configured: the AWS SDK is large and most instances keep evidence on disk.
  const { S3ArtifactStore } = await import('./s3-artifact-store.ts');
  return new S3ArtifactStore({
    bucket: s3.bucket,
    prefix: s3.prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.credentials?.reveal(),
  });
}

/** Store, instance key (created on first start) and version; the caller closes `store`. */
export async function openEvidenceWriter(settings: EvidenceSettings): Promise<EvidenceWriter> {
  const key = await loadOrCreateInstanceKey(settings.dataDir);
  const vigieVersion = await readVigieVersion();
  return { store: await openEvidenceStore(settings), key, vigieVersion };
}

/** The `version` of Vigie's package.json (read when asked, not at import). */
export async function readVigieVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'string' || version === '') throw new TypeError('package.json has no version');
  return version;
}

/**
 * The keys a verification accepts: the instance's own, every `*.pub` in `<dataDir>/keys/trusted/`
 * (earlier instance keys, other instances writing to the same bucket), and `extraFiles`.
 */
export async function loadTrustedKeys(dataDir: string, extraFiles: readonly string[] = []): Promise<TrustedKey[]> {
  const keys: TrustedKey[] = [];
  const own = await readInstancePublicKey(dataDir);
  if (own) keys.push(own);
  keys.push(...(await readTrustedKeyDir(join(dataDir, KEYS_DIR, TRUSTED_KEYS_DIR))));
  for (const file of extraFiles) keys.push(await readTrustedKeyFile(file));
  return keys;
}
