import { describe, expect, it } from 'vitest';
import { parseRobots, robotsToken } from '../../crawler/robots.ts';

const ROBOTS_URL = 'https://forum.example/robots.txt';
const BODY = `# comment line
User-agent: *
Disallow: /private/
Disallow: /search
Allow: /private/public-page
Crawl-delay: 2.5

User-agent: VigieBot
User-agent: OtherBot
Disallow: /no-vigie
Crawl-delay: 10

User-agent: BadBot
Disallow: /

Sitemap: https://forum.example/sitemap.xml
Sitemap: https://cdn.example/other-sitemap.xml
Sitemap: not-a-url
`;

describe('parseRobots', () => {
  const rules = parseRobots(ROBOTS_URL, BODY);

  it('applies the generic group to unknown agents', () => {
    expect(rules.isAllowed('https://forum.example/thread/1', 'SomeBot/2.0')).toBe(true);
    expect(rules.isAllowed('https://forum.example/private/x', 'SomeBot/2.0')).toBe(false);
    expect(rules.isAllowed('https://forum.example/search?q=x', 'SomeBot/2.0')).toBe(false);
  });

  it('prefers the longest match (Allow inside a disallowed folder)', () => {
    expect(rules.isAllowed('https://forum.example/private/public-page', 'SomeBot')).toBe(true);
  });

  it('applies the agent-specific group only, matched on the product token', () => {
    expect(rules.isAllowed('https://forum.example/no-vigie', 'VigieBot/1.0 (+https://vigie.example)')).toBe(false);
    // The specific group replaces the generic one entirely.
    expect(rules.isAllowed('https://forum.example/private/x', 'VigieBot/1.0')).toBe(true);
    expect(rules.isAllowed('https://forum.example/no-vigie', 'Mozilla/5.0 (compatible; vigiebot/1.0)')).toBe(false);
    expect(rules.isAllowed('https://forum.example/anything', 'BadBot')).toBe(false);
  });

  it('reports crawl delays in milliseconds per group', () => {
    expect(rules.crawlDelayMs('SomeBot')).toBe(2500);
    expect(rules.crawlDelayMs('VigieBot/1.0')).toBe(10_000);
    expect(rules.crawlDelayMs('BadBot')).toBeNull();
  });

  it('lists absolute http(s) sitemaps only', () => {
    expect(rules.sitemaps()).toEqual(['https://forum.example/sitemap.xml', 'https://cdn.example/other-sitemap.xml']);
  });

  it('does not govern URLs of another origin', () => {
    expect(rules.isAllowed('https://other.example/private/x', 'SomeBot')).toBe(true);
    expect(rules.isAllowed('http://forum.example/private/x', 'SomeBot')).toBe(true); // another scheme is another origin
  });

  it('treats empty, HTML and binary bodies as allowing everything', () => {
    for (const body of ['', '<html><body>404 Not Found</body></html>', '\u0000\u00ff\ufffd'.repeat(5000)]) {
      const r = parseRobots(ROBOTS_URL, body);
      expect(r.isAllowed('https://forum.example/private/x', 'VigieBot')).toBe(true);
      expect(r.crawlDelayMs('VigieBot')).toBeNull();
      expect(r.sitemaps()).toEqual([]);
    }
  });

  it('ignores malformed lines and bad crawl delays while keeping valid rules', () => {
    const r = parseRobots(
      ROBOTS_URL,
      'Disallow: /before-any-agent\nUser-agent *\nUser-agent: *\nDisallow /nocolon\nDisallow: /x\nCrawl-delay: soon\n',
    );
    expect(r.isAllowed('https://forum.example/x/1', 'Bot')).toBe(false);
    expect(r.isAllowed('https://forum.example/nocolon', 'Bot')).toBe(true);
    expect(r.crawlDelayMs('Bot')).toBeNull();
  });

  it('handles wildcards and end anchors', () => {
    const r = parseRobots(ROBOTS_URL, 'User-agent: *\nDisallow: /*.php$\nDisallow: /*?sid=\n');
    expect(r.isAllowed('https://forum.example/index.php', 'Bot')).toBe(false);
    expect(r.isAllowed('https://forum.example/index.php?t=1', 'Bot')).toBe(true);
    expect(r.isAllowed('https://forum.example/t?sid=abc', 'Bot')).toBe(false);
  });

  it('reads no further than the size cap', () => {
    const padding = '#'.repeat(600 * 1024);
    const r = parseRobots(ROBOTS_URL, `${padding}\nUser-agent: *\nDisallow: /\n`);
    expect(r.isAllowed('https://forum.example/x', 'Bot')).toBe(true);
  });
});

describe('robotsToken', () => {
  it.each([
    ['VigieBot/1.0 (+https://vigie.example/bot)', 'VigieBot'],
    ['Mozilla/5.0 (compatible; VigieBot/1.0; +https://vigie.example)', 'VigieBot'],
    ['VigieBot', 'VigieBot'],
    ['', '*'],
  ])('%s -> %s', (ua, token) => {
    expect(robotsToken(ua)).toBe(token);
  });
});
