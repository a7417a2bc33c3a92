// The errors a proxied connection can end in, with their retry policy. Messages name the proxy by
// its redacted URL only: its credentials (user name included) must never reach a log.
import { NonRetryableError, RetryableError } from '../config/errors.ts';
import type { VigieError } from '../config/errors.ts';
import type { ProxyConfig } from './proxy-config.ts';

export type ProxyFailure =
  /** The proxy cannot be reached, hung up, or does not speak its protocol: retry later. */
  | 'proxy-failed'
  /** The proxy refused our credentials (or wants some we do not have): retrying cannot help. */
  | 'proxy-auth'
  /** The proxy could not reach the target (unreachable, refused, timed out there): retry later. */
  | 'proxy-target-unreachable'
  /** The proxy's rules forbid this destination, or it cannot handle the request: final. */
  | 'proxy-refused';

const RETRYABLE: Record<ProxyFailure, boolean> = {
  'proxy-failed': true,
  'proxy-auth': false,
  'proxy-target-unreachable': true,
  'proxy-refused': false,
};

export interface ProxyDestination {
  host: string;
  port: number;
}

export function proxyError(
  code: ProxyFailure,
  proxy: ProxyConfig,
  destination: ProxyDestination,
  reason: string,
  options: { cause?: unknown; reply?: number | string } = {},
): VigieError {
  const message = `${describe(code)} via proxy ${proxy.display} to ${destination.host}:${destination.port}: ${reason}`;
  const details: Record<string, unknown> = { proxy: proxy.display, host: destination.host, port: destination.port };
  if (options.reply !== undefined) details.reply = options.reply;
  const init = { cause: options.cause, details };
  return RETRYABLE[code] ? new RetryableError(code, message, init) : new NonRetryableError(code, message, init);
}

function describe(code: ProxyFailure): string {
  switch (code) {
    case 'proxy-failed':
      return 'proxy failure';
    case 'proxy-auth':
      return 'proxy authentication refused';
    case 'proxy-target-unreachable':
      return 'target unreachable';
    case 'proxy-refused':
      return 'connection refused by the proxy';
  }
}
