// Cryptocurrency addresses: Bitcoin (base58check and bech32/bech32m), Ethereum, Monero. The
// patterns only find tokens of the right alphabet and length standing alone (no letter or digit
// on either side); the validators then check the real checksums, which random words never pass.
import { candidate, type Candidate } from '../candidate.ts';
import type { EntityType } from '../../types.ts';
import { validateBtc } from '../validators/btc.ts';
import { validateEth } from '../validators/eth.ts';
import { validateXmr } from '../validators/xmr.ts';
import type { Validated } from '../validators/validated.ts';

function scan(
  text: string,
  pattern: RegExp,
  type: EntityType,
  validate: (raw: string) => Validated | null,
  out: Candidate[],
): void {
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const found = validate(m[0]);
    if (found) out.push(candidate(type, found, m.index, m.index + m[0].length));
  }
}

export function scanCrypto(text: string, out: Candidate[]): void {
  // Lookbehinds come after the first character so the engine can skip ahead on it.
  scan(text, /[13](?<![A-Za-z0-9][13])[1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])/g, 'btc', validateBtc, out);
  scan(text, /[bB](?<![A-Za-z0-9][bB])[cC]1[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}(?![A-Za-z0-9])/g, 'btc', validateBtc, out);
  scan(text, /0(?<![A-Za-z0-9]0)x[0-9a-fA-F]{40}(?![A-Za-z0-9])/g, 'eth', validateEth, out);
  scan(
    text,
    /[48](?<![A-Za-z0-9][48])[1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![A-Za-z0-9])/g,
    'xmr',
    validateXmr,
    out,
  );
}
