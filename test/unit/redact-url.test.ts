// redactUrl is the only form in which a URL with credentials (a proxy's, Redis's) may reach a
// message or a log: both the user name (often an API key or a session) and the password go.
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../config/settings.ts';

describe('redactUrl', () => {
  it.each([
    ['socks5h://key-abc123:pw-secret@127.0.0.1:9050', 'socks5h://***:***@127.0.0.1:9050'],
    ['socks5://customer-acme-session-42:pw-secret@proxy.example:1080', 'socks5://***:***@proxy.example:1080'],
    ['http://key-abc123:pw-secret@proxy.example:3128', 'http://***:***@proxy.example:3128/'],
    ['http://key-abc123@proxy.example:3128', 'http://***@proxy.example:3128/'],
    ['http://:pw-secret@[2001:db8::1]:3128', 'http://:***@[2001:db8::1]:3128/'],
    ['redis://default:pw-secret@10.0.0.5:6379/2', 'redis://***:***@10.0.0.5:6379/2'],
  ])('masks the credentials of %s, keeping host and port readable', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('leaves a URL without credentials as it is', () => {
    expect(redactUrl('socks5h://127.0.0.1:9050')).toBe('socks5h://127.0.0.1:9050');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('never echoes a URL it cannot parse', () => {
    expect(redactUrl('socks5h://key-abc123:pw-secret@[bad:9050')).toBe('(unparseable URL)');
  });
});
