// The package's ZIP container (fflate): written with a fixed entry order and every entry dated at
// the referral's time, so the same files always give the same archive; read back with the
// entry list kept (a name twice would otherwise silently collapse into one) and a size cap.
import { unzipSync, zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  path: string;
  content: Uint8Array;
}

/** What reading found: the files by name, and every name as listed (duplicates included). */
export interface ReadZip {
  files: Map<string, Uint8Array>;
  names: string[];
}

export const MAX_PACKAGE_UNZIPPED_BYTES = 512 * 1024 ** 2;

// Already-compressed formats are stored as they are: deflating them costs time for nothing.
const STORED = /\.(png|jpe?g|gif|webp|pdf|zip|gz)$/i;

/** Entries in the given order, all dated `at` (UTC wall-clock time, whatever the host's zone). */
export function writeZip(entries: readonly ZipEntry[], at: string): Buffer {
  const date = new Date(at);
  // fflate writes DOS times from local-time getters: a local Date built from the UTC fields makes
  // the archive the same on every host. DOS times start in 1980.
  const mtime = new Date(Math.max(date.getUTCFullYear(), 1980), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  const zippable: Zippable = {};
  for (const entry of entries) {
    if (Object.hasOwn(zippable, entry.path)) throw new TypeError(`ZIP entry ${entry.path} given twice`);
    zippable[entry.path] = [entry.content, { mtime, level: STORED.test(entry.path) ? 0 : 6 }];
  }
  return Buffer.from(zipSync(zippable));
}

/** Throws (with a message worth showing) when the bytes are no readable ZIP. */
export function readZip(bytes: Uint8Array, maxUnzippedBytes = MAX_PACKAGE_UNZIPPED_BYTES): ReadZip {
  const names: string[] = [];
  let total = 0;
  const files = unzipSync(bytes, {
    filter: (file) => {
      names.push(file.name);
      total += file.originalSize;
      if (total > maxUnzippedBytes) throw new RangeError(`the archive would unpack to more than ${maxUnzippedBytes} bytes`);
      return true;
    },
  });
  // fflate returns a plain object: an entry named like an Object.prototype key (`__proto__`) would
  // vanish from it, and with it from every check. Such an archive is refused outright.
  const lost = names.filter((name) => !Object.hasOwn(files, name));
  if (lost.length > 0) throw new RangeError(`the archive has an entry that cannot be read by name: ${JSON.stringify(lost[0])}`);
  return { files: new Map(Object.entries(files)), names };
}

/** A relative path without `..`, empty or dot segments, backslashes or control characters. */
export function isSafeZipPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\')) return false;
  if ([...path].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
