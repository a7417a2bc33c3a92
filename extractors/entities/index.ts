// Validated entity extraction over plain text (French and English page text).
//
// extractEntities returns entities sorted by start (a container before what it contains), with
// `text.slice(start, end)` the surface text and `value` the canonical form that
// normalizeEntityValue gives for that same surface text. Choices worth knowing:
//  - Overlaps: the higher-ranked reading wins (an IBAN over digits inside it, an e-mail over its
//    domain, which is not reported). The one exception is a url, which may contain: its host's
//    `domain` or `ip` entity (so "every page mentioning example.com" also finds pages linking to
//    it; canonical domains drop a leading "www."), an onion address, and crypto addresses or
//    e-mails in its path or query.
//  - Telegram links (t.me/name, telegram.me/name, t.me/+code, t.me/joinchat/code) give one
//    `telegram` entity spanning the link and no url. @handles count only near a Telegram cue.
//  - Onion v2 addresses (no checksum exists) are reported with details.version '2'.
//  - Phones: international numbers need '+' or '00'; national numbers are read as French only.
//  - Bitcoin testnet addresses are not reported.
export { extractEntities } from './extract.ts';
export { normalizeEntityValue } from './normalize.ts';
