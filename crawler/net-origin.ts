// `host:port` keys for origins, shared by the guard's URL check and its connector so the
// `--allow-private` list matches the same way at both places.

/** Default port of a URL scheme (`http:` or `https:`). */
export function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

/**
 * `host:port` with a lowercase host, IPv6 in brackets, and the port always explicit.
 * `host` may be bracketed or not.
 */
export function originKey(host: string, port: number | string): string {
  const bare = stripBrackets(host).toLowerCase();
  return `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

export function urlOriginKey(url: URL): string {
  return originKey(url.hostname, url.port || defaultPort(url.protocol));
}

/** Normalises an allow-list entry: `host:port`, or a full origin such as `http://host:port`. */
export function parseOriginEntry(entry: string): string {
  const trimmed = entry.trim();
  const url = new URL(trimmed.includes('://') ? trimmed : `http://${trimmed}`);
  if (!trimmed.includes('://') && !url.port && !/:\d+$/.test(trimmed)) {
    throw new Error(`origin "${entry}" must name its port (host:port)`);
  }
  return urlOriginKey(url);
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
