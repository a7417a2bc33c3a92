// A target's proxy URL, parsed once when its network guard is built. The scheme decides who
// resolves target names: `socks5h` sends names to the proxy (Tor), `socks5` and `http` resolve
// locally so that the guard checks the addresses before the proxy is told where to connect.
import { ConfigError } from '../config/errors.ts';
import { redactUrl } from '../config/settings.ts';

export type ProxyKind = 'http' | 'socks5' | 'socks5h';

export interface ProxyConfig {
  kind: ProxyKind;
  /** The proxy's own host: the operator's choice, so it may be loopback or private (a local Tor). */
  host: string;
  port: number;
  username: string | null;
  password: string | null;
  /** The URL with its credentials masked: the only form of it that messages and logs may carry. */
  display: string;
  /** Whether target names go to the proxy unresolved (no local DNS lookup at all). */
  resolvesRemotely: boolean;
}

const KINDS: Record<string, ProxyKind> = { 'http:': 'http', 'socks5:': 'socks5', 'socks5h:': 'socks5h' };

// RFC 1929 carries each credential with a one-byte length.
const MAX_SOCKS_CREDENTIAL_BYTES = 255;

/** Throws ConfigError (never echoing the credentials) when the URL is not a usable proxy. */
export function parseProxyUrl(value: string): ProxyConfig {
  const display = redactUrl(value);
  const fail = (message: string, cause?: unknown): never => {
    throw new ConfigError(`proxy ${display}: ${message}`, [{ path: 'proxy', message }], { cause });
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    // Node's URL error keeps the whole input (credentials included) in `input`: keep only its message.
    return fail('not a URL', new TypeError((err as Error).message));
  }
  const kind = KINDS[url.protocol];
  if (!kind) return fail('scheme must be http, socks5 or socks5h');
  if (!url.hostname || !url.port) return fail('host and port are required (such as socks5h://127.0.0.1:9050)');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) return fail('must not have a path, query or fragment');
  let username: string | null = null;
  let password: string | null = null;
  if (url.username || url.password) {
    try {
      username = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch (err) {
      return fail('credentials are not valid percent-encoding', err);
    }
    if (kind !== 'http') {
      const userBytes = Buffer.byteLength(username);
      if (userBytes < 1 || userBytes > MAX_SOCKS_CREDENTIAL_BYTES || Buffer.byteLength(password) > MAX_SOCKS_CREDENTIAL_BYTES) {
        return fail(`SOCKS5 credentials need a user name of 1 to ${MAX_SOCKS_CREDENTIAL_BYTES} bytes and a password of at most ${MAX_SOCKS_CREDENTIAL_BYTES}`);
      }
    } else if (username.includes(':')) {
      return fail('an HTTP proxy user name cannot contain ":" (Basic authentication)');
    }
  }
  return {
    kind,
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: Number(url.port),
    username,
    password,
    display,
    resolvesRemotely: kind === 'socks5h',
  };
}
