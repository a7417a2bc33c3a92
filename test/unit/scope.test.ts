import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { compileScope, looksLikeNonHtmlResource, type CrawlScope } from '../../crawler/scope.ts';

const base: CrawlScope = { hosts: [], includeSubdomains: false, pathPrefixes: [], allow: [], deny: [] };

describe('compileScope', () => {
  it('accepts any http(s) URL when the scope is empty, never other schemes', () => {
    const scope = compileScope(base);
    expect(scope.inScope('https://anything.example/x')).toBe(true);
    expect(scope.inScope('ftp://anything.example/x')).toBe(false);
    expect(scope.inScope('not a url')).toBe(false);
  });

  it('restricts to the listed hosts, case-insensitively and without port or trailing dot', () => {
    const scope = compileScope({ ...base, hosts: ['Forum.Example.org', 'other.test:8080'] });
    expect(scope.inScope('https://forum.example.org/t/1')).toBe(true);
    expect(scope.inScope('http://FORUM.example.org./t/1')).toBe(true);
    expect(scope.inScope('http://other.test:9000/')).toBe(true);
    expect(scope.inScope('https://sub.forum.example.org/')).toBe(false);
    expect(scope.inScope('https://example.org/')).toBe(false);
    expect(scope.inScope('https://evilforum.example.org/')).toBe(false);
  });

  it('allows subdomains when asked, but not look-alike suffixes', () => {
    const scope = compileScope({ ...base, hosts: ['example.org'], includeSubdomains: true });
    expect(scope.inScope('https://example.org/')).toBe(true);
    expect(scope.inScope('https://a.b.example.org/')).toBe(true);
    expect(scope.inScope('https://notexample.org/')).toBe(false);
    expect(scope.inScope('https://example.org.evil.test/')).toBe(false);
  });

  it('accepts IDN hosts in either form', () => {
    const scope = compileScope({ ...base, hosts: ['bücher.example'] });
    expect(scope.inScope('https://xn--bcher-kva.example/')).toBe(true);
    expect(scope.inScope('https://BÜCHER.example/a')).toBe(true);
  });

  it('restricts to path prefixes', () => {
    const scope = compileScope({ ...base, pathPrefixes: ['/forum/', '/market'] });
    expect(scope.inScope('https://e.test/forum/t/1')).toBe(true);
    expect(scope.inScope('https://e.test/market-place')).toBe(true);
    expect(scope.inScope('https://e.test/forum')).toBe(false);
    expect(scope.inScope('https://e.test/blog/forum/')).toBe(false);
  });

  it('requires an allow pattern to match when any is given', () => {
    const scope = compileScope({ ...base, allow: ['/thread/\\d+', '\\?page=\\d+$'] });
    expect(scope.inScope('https://e.test/thread/12')).toBe(true);
    expect(scope.inScope('https://e.test/list?page=3')).toBe(true);
    expect(scope.inScope('https://e.test/member/12')).toBe(false);
  });

  it('lets deny win over everything else', () => {
    const scope = compileScope({
      ...base,
      hosts: ['e.test'],
      pathPrefixes: ['/'],
      allow: ['.*'],
      deny: ['/logout', 'action=(?:delete|edit)'],
    });
    expect(scope.inScope('https://e.test/thread/1')).toBe(true);
    expect(scope.inScope('https://e.test/logout')).toBe(false);
    expect(scope.inScope('https://e.test/post?action=delete&id=1')).toBe(false);
  });

  it('gives the same answer on repeated calls (no global-regex state)', () => {
    const scope = compileScope({ ...base, allow: ['thread'] });
    for (let i = 0; i < 3; i++) expect(scope.inScope('https://e.test/thread/1')).toBe(true);
  });

  it('reports every invalid regex and host with its field path', () => {
    let error: unknown;
    try {
      compileScope({ ...base, hosts: ['ok.test', 'bad host/'], allow: ['fine', '(unclosed'], deny: ['[z-a]'] }, 'targets.2.scope');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => i.path);
    expect(issues).toEqual(['targets.2.scope.allow.1', 'targets.2.scope.deny.0', 'targets.2.scope.hosts.1']);
  });

  it('runs patterns on RE2: a catastrophic pattern meets a hostile URL and still answers', () => {
    // On a backtracking engine `(a+)+$` against 30,000 a's followed by "!" would not finish.
    const scope = compileScope({ ...base, allow: ['^https://e\\.test/(a+)+$'], deny: ['(x+x+)+y'] });
    expect(scope.inScope(`https://e.test/${'a'.repeat(30_000)}!`)).toBe(false);
    expect(scope.inScope(`https://e.test/${'a'.repeat(30_000)}`)).toBe(true);
    expect(scope.inScope(`https://e.test/${'a'.repeat(10)}?q=${'x'.repeat(30_000)}`)).toBe(false);
  });

  it('refuses what RE2 cannot run (lookaround, backreferences), saying so', () => {
    const messages = (sources: string[]) => {
      try {
        compileScope({ ...base, deny: sources });
        return [];
      } catch (err) {
        return (err as ConfigError).issues.map((i) => i.message);
      }
    };
    expect(messages(['/(?!public)', '(a)\\1'])).toEqual([expect.stringMatching(/lookahead is not supported/), expect.stringMatching(/backreferences are not supported/)]);
  });
});

describe('looksLikeNonHtmlResource', () => {
  it.each([
    'https://e.test/img/photo.JPG',
    'https://e.test/a/b/video.mp4?x=1',
    'https://e.test/dl/archive.tar.gz',
    'https://e.test/static/app.js',
    'https://e.test/static/site.css#x',
    'https://e.test/fonts/a.woff2',
    'https://e.test/docs/report.pdf',
    'https://e.test/setup.exe',
  ])('skips %s', (url) => {
    expect(looksLikeNonHtmlResource(url)).toBe(true);
  });

  it.each([
    'https://e.test/',
    'https://e.test/thread/12.html',
    'https://e.test/page.php?file=a.jpg',
    'https://e.test/raw/abc.txt',
    'https://e.test/feed.xml',
    'https://e.test/v1.2/thread',
    'https://e.test/jpg',
    'not a url',
  ])('keeps %s', (url) => {
    expect(looksLikeNonHtmlResource(url)).toBe(false);
  });
});
