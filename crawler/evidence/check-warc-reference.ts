// A manifest's `warc` reference checked against the WARC files on local disk: the file must exist
// (under its final name, or still `.open`: a writer that crashed or is still writing), and when the
// manifest gives the record's offset and length, the gzip member there must be one whole WARC
// record with the manifest's WARC-Record-ID and a block matching its digest.
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { OPEN_SUFFIX, readWarcRecordAt } from '../warc/index.ts';
import type { WarcReference } from './manifest.ts';

export type WarcProblem = { code: 'warc-missing' | 'warc-record-mismatch'; message: string };

/** Where referenced WARC files were found (path or null), shared by the manifests of one run. */
export type WarcFileCache = Map<string, string | null>;
const FILE_CACHE_ENTRIES = 10_000;

export async function checkWarcReference(warcDir: string, ref: WarcReference, cache: WarcFileCache): Promise<WarcProblem | null> {
  if (!isInsideRelative(ref.file)) return { code: 'warc-missing', message: `${JSON.stringify(ref.file.slice(0, 200))} is not a path inside the WARC directory` };
  let path = await locate(warcDir, ref.file, cache);
  if (path === null) return { code: 'warc-missing', message: `${ref.file} is neither in ${warcDir} nor there with ${OPEN_SUFFIX}` };
  if (ref.offset === undefined || ref.length === undefined) return null;
  let record;
  try {
    record = await readWarcRecordAt(path, ref.offset, ref.length);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { code: 'warc-record-mismatch', message: `${path} cannot be read: ${(err as Error).message}` };
    }
    // Renamed from `.open` since it was found: look again, once.
    cache.delete(ref.file);
    path = await locate(warcDir, ref.file, cache);
    if (path === null) return { code: 'warc-missing', message: `${ref.file} disappeared from ${warcDir}` };
    record = await readWarcRecordAt(path, ref.offset, ref.length);
  }
  const where = `${ref.file} at offset ${ref.offset}`;
  if (!record.ok) return { code: 'warc-record-mismatch', message: `${where}: ${record.message}` };
  const recordId = record.header('WARC-Record-ID');
  if (recordId !== ref.recordId) return { code: 'warc-record-mismatch', message: `${where} is record ${recordId ?? '(no id)'}, the manifest names ${ref.recordId}` };
  if (record.blockDigest === 'mismatch') return { code: 'warc-record-mismatch', message: `${where}: the record's block does not match its WARC-Block-Digest` };
  return null;
}

/** Relative, no `.`/`..`/empty segments, no backslashes or NULs: it cannot leave the WARC directory. */
function isInsideRelative(file: string): boolean {
  if (file.includes('\\') || file.includes('\0')) return false;
  return file.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

async function locate(warcDir: string, file: string, cache: WarcFileCache): Promise<string | null> {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  const root = resolve(warcDir);
  const finalPath = join(root, file);
  let found: string | null = null;
  if (finalPath.startsWith(root + sep)) {
    for (const candidate of [finalPath, finalPath + OPEN_SUFFIX]) {
      if (await isFile(candidate)) {
        found = candidate;
        break;
      }
    }
  }
  if (cache.size >= FILE_CACHE_ENTRIES) cache.clear();
  cache.set(file, found);
  return found;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}
