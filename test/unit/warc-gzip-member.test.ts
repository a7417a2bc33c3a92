// Finding gzip members one by one, as recovery and record look-ups do: where a member ends, and
// the difference between a member cut short (a torn tail) and bytes that are no member at all.
import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGzipMember } from '../../crawler/warc/gzip-member.ts';
import { newWarcWriterId, parseWarcWriterId, warcHostTag } from '../../crawler/warc/writer-id.ts';

describe('decodeGzipMember', () => {
  it('finds the end of the first member and leaves what follows', () => {
    const first = gzipSync(Buffer.from('WARC/1.1\r\n'.repeat(50)));
    const second = gzipSync(randomBytes(100));
    const member = decodeGzipMember(Buffer.concat([first, second]));
    expect(member).toEqual({ ok: true, memberBytes: first.length, data: Buffer.from('WARC/1.1\r\n'.repeat(50)) });
  });

  it('reads headers with every optional field', () => {
    const data = Buffer.from('record body');
    const extra = Buffer.from([4, 0, 0x41, 0x42, 0x43, 0x44]);
    const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3]), extra, Buffer.from('name\0comment\0'), Buffer.from([0, 0])]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(data), 0);
    trailer.writeUInt32LE(data.length, 4);
    const bytes = Buffer.concat([header, deflateRawSync(data), trailer]);
    expect(decodeGzipMember(bytes)).toEqual({ ok: true, memberBytes: bytes.length, data });
  });

  it('calls every prefix of a member truncated', () => {
    const bytes = gzipSync(randomBytes(3000));
    for (let length = 0; length < bytes.length; length += 1) {
      const member = decodeGzipMember(bytes.subarray(0, length));
      expect(member.ok === false && member.truncated, `prefix of ${length} bytes`).toBe(true);
    }
  });

  it('calls damaged bytes invalid, not truncated', () => {
    const bytes = gzipSync(Buffer.from('hello hello hello'));
    const badCrc = Buffer.from(bytes);
    badCrc[badCrc.length - 6] = badCrc[badCrc.length - 6]! ^ 1;
    const badSize = Buffer.from(bytes);
    badSize[badSize.length - 1] = 1;
    for (const [name, damaged] of [
      ['crc', badCrc],
      ['size', badSize],
      ['zeros', Buffer.alloc(64)],
      ['not gzip', Buffer.from('WARC/1.1\r\n')],
      ['reserved flag', Buffer.concat([bytes.subarray(0, 3), Buffer.from([0x80]), bytes.subarray(4)])],
    ] as const) {
      expect(decodeGzipMember(damaged), name).toMatchObject({ ok: false, truncated: false });
    }
  });
});

describe('WARC writer ids', () => {
  it('start with the pid and carry a stable host tag, so recovery can trace a file to its process', () => {
    const tag = warcHostTag();
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    expect(warcHostTag()).toBe(tag);
    const id = newWarcWriterId();
    expect(id).toMatch(new RegExp(`^${process.pid}-${tag}-[0-9a-f]{6}$`));
    expect(newWarcWriterId()).not.toBe(id);
    expect(parseWarcWriterId(id)).toEqual({ pid: process.pid, hostTag: tag });
    // Ids of earlier versions (`<pid>-<random>`) and hand-picked ones name no host.
    expect(parseWarcWriterId('1234-abcdef')).toBeNull();
    expect(parseWarcWriterId('w1')).toBeNull();
  });
});
