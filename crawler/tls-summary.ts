// What an analyst needs to know about an HTTPS peer, read from the TLS socket at connection time
// and kept with the page's evidence: who the certificate names, who issued it, its validity and
// fingerprint, and whether it verified.
import type { TLSSocket } from 'node:tls';

export interface TlsSummary {
  protocol: string | null;
  cipher: string | null;
  subject: string;
  issuer: string;
  subjectAltName: string | null;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  fingerprint256: string;
  /** Whether the chain verified against the trusted CAs. */
  authorized: boolean;
  authorizationError: string | null;
}

export function summarizeTls(socket: TLSSocket): TlsSummary | null {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return null;
  return {
    protocol: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    subjectAltName: cert.subjectaltname ?? null,
    validFrom: toIso(cert.valid_from),
    validTo: toIso(cert.valid_to),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
  };
}

function distinguishedName(fields: Partial<Record<string, string | string[]>> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

/** OpenSSL's `Jan  1 00:00:00 2030 GMT` as ISO-8601; the raw text if it does not parse. */
function toIso(opensslDate: string): string {
  const parsed = new Date(opensslDate);
  return Number.isNaN(parsed.getTime()) ? opensslDate : parsed.toISOString();
}
