// Runs every scanner over the text and settles their candidates.
import type { Entity } from '../types.ts';
import type { Candidate } from './candidate.ts';
import { resolveCandidates } from './resolve.ts';
import { scanCrypto } from './scanners/crypto.ts';
import { scanDigits } from './scanners/digits.ts';
import { scanDomains } from './scanners/domain.ts';
import { scanEmails } from './scanners/email.ts';
import { scanIbans } from './scanners/iban.ts';
import { scanIps } from './scanners/ip.ts';
import { scanOnions } from './scanners/onion.ts';
import { scanTelegramHandles } from './scanners/telegram.ts';
import { scanWeb } from './scanners/web.ts';

const SCANNERS: ReadonlyArray<(text: string, out: Candidate[]) => void> = [
  scanWeb,
  scanEmails,
  scanTelegramHandles,
  scanOnions,
  scanIbans,
  scanCrypto,
  scanDigits,
  scanIps,
  scanDomains,
];

export function extractEntities(text: string): Entity[] {
  const candidates: Candidate[] = [];
  for (const scan of SCANNERS) scan(text, candidates);
  return resolveCandidates(candidates);
}
