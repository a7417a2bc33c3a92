// Session cookie files: both Playwright shapes accepted, every problem reported with its path,
// and never the cookie values themselves.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { loadSessionCookies, parseSessionCookies } from '../../crawler/render/session-cookies.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vigie-cookies-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSessionCookies', () => {
  it('reads a cookies array and a storage state', () => {
    const cookie = { name: 'sid', value: 's3cr3t', domain: 'forum.example', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' };
    expect(parseSessionCookies(JSON.stringify([cookie]), 'c.json')).toEqual([cookie]);
    const state = { cookies: [{ name: 'sid', value: 'v', url: 'https://forum.example/' }], origins: [{ origin: 'https://forum.example', localStorage: [] }] };
    expect(parseSessionCookies(JSON.stringify(state), 'c.json')).toEqual([{ name: 'sid', value: 'v', url: 'https://forum.example/' }]);
  });

  it('drops fields Playwright does not take', () => {
    const [cookie] = parseSessionCookies(JSON.stringify([{ name: 'a', value: 'b', url: 'http://x.example/', partitionKey: 'p', hostOnly: true }]), 'c.json');
    expect(cookie).toEqual({ name: 'a', value: 'b', url: 'http://x.example/' });
  });

  it('reports bad JSON with the file name and without quoting the content', () => {
    const err = configError(() => parseSessionCookies('[{"name":"sid","value":"TOPSECRET" oops', 'session.json'));
    expect(err.message).toContain('session.json');
    expect(err.message).toContain('not valid JSON');
    expect(JSON.stringify({ message: err.message, issues: err.issues, cause: String(err.cause) })).not.toContain('TOPSECRET');
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it('reports every bad cookie field by path, never its value', () => {
    const text = JSON.stringify([
      { name: 'ok', value: 'TOPSECRET1', domain: 'a.example', path: '/' },
      { name: '', value: 'TOPSECRET2', url: 'https://a.example/' },
      { name: 'x', value: 'TOPSECRET3' },
      { name: 'y', value: 42, url: 'ftp://a.example/' },
      { name: 'z', value: 'TOPSECRET4', domain: 'a.example', path: 'nope', sameSite: 'Sometimes' },
    ]);
    const err = configError(() => parseSessionCookies(text, 'session.json'));
    const paths = err.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['1.name', '2', '3.value', '3.url', '4.path', '4.sameSite']));
    expect(paths.some((p) => p.startsWith('0'))).toBe(false);
    expect(err.issues.every((issue) => issue.file === 'session.json')).toBe(true);
    expect(JSON.stringify(err.issues) + err.message).not.toMatch(/TOPSECRET|42/);
  });

  it('refuses other shapes', () => {
    expect(configError(() => parseSessionCookies('{"sid":"v"}', 'c.json')).issues[0]?.message).toContain('array of cookies');
    expect(configError(() => parseSessionCookies('"cookie"', 'c.json')).issues).toHaveLength(1);
  });
});

describe('loadSessionCookies', () => {
  it('reads a file', async () => {
    const file = path.join(dir, 'good.json');
    await writeFile(file, JSON.stringify([{ name: 'sid', value: 'v', domain: '127.0.0.1', path: '/' }]));
    await expect(loadSessionCookies(file)).resolves.toEqual([{ name: 'sid', value: 'v', domain: '127.0.0.1', path: '/' }]);
  });

  it('reports a missing file as a ConfigError', async () => {
    const missing = path.join(dir, 'missing.json');
    const err = await loadSessionCookies(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('ENOENT');
    expect((err as ConfigError).issues[0]?.file).toBe(missing);
  });
});
