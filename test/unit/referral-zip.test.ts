// Reading a referral package's ZIP: an entry whose name fflate's plain-object output cannot hold
// (`__proto__`) must not vanish from the checks: the archive is refused.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip } from '../../review/referrals/package-zip.ts';

describe('readZip', () => {
  it('reads ordinary entries by name', () => {
    const zip = readZip(zipSync({ 'a.txt': new TextEncoder().encode('a'), 'dir/b.txt': new TextEncoder().encode('b') }));
    expect([...zip.files.keys()].sort()).toEqual(['a.txt', 'dir/b.txt']);
    expect(zip.names.sort()).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('refuses an archive with an entry named __proto__ instead of losing it', () => {
    // fflate cannot write such a name either: write a 9-letter stand-in, then rename it in place
    // (the local header and the central directory both hold the name; the CRC covers the content).
    const bytes = Buffer.from(zipSync({ 'a.txt': new TextEncoder().encode('a'), 'xxproto__': new TextEncoder().encode('hidden') }));
    let at = bytes.indexOf('xxproto__');
    for (; at !== -1; at = bytes.indexOf('xxproto__', at + 1)) bytes.write('__proto__', at, 'latin1');
    expect(() => readZip(bytes)).toThrow(/cannot be read by name: "__proto__"/);
  });
});
