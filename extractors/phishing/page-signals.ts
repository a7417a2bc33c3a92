// Page-level phishing evidence: a credential or card form on a page that names a brand but is not
// served from (nor posts to) that brand's domains; the page's host or a form's action host
// imitating a brand; where the form sends what it collects (another site, a mailto:, a PHP
// mailer script); and asking for a password and a one-time code (or a card) on one page, which
// real services do in separate steps. Lure wording ("votre compte a été suspendu") is the rule
// engine's business (config/rules/fraud.yaml) and is not repeated here.
import { isCardForm, isCredentialForm, type PageForm } from '../../crawler/parse-forms.ts';
import type { RuleHit, TermMatch } from '../types.ts';
import type { BrandList } from './brand-list.ts';
import type { BrandMention } from './brand-mentions.ts';
import { findLookalikes, officialBrandOf, type LookalikeMatch } from './lookalike.ts';
import { hostOfUrl, splitHost } from './registrable-domain.ts';

export interface PhishingPage {
  /** The URL the page was served from (after redirects). */
  url: string;
  /** The analysed main text (offsets of text mentions refer to it). */
  text: string;
  forms: PageForm[];
}

export const PHISHING_WEIGHTS = {
  brandCredentialForm: 0.6,
  /** The brand only in the main text (several times), not in the title, URL or login box. */
  brandCredentialFormTextOnly: 0.45,
  cardFormOffBrand: 0.6,
  formToOtherSite: 0.2,
  formToMailto: 0.35,
  phpMailer: 0.2,
  passwordAndOtp: 0.2,
  credentialAndCard: 0.25,
} as const;

/** A login page is short: past this much main text, a brand in the title alone is an article's subject. */
export const FORM_PAGE_MAX_TEXT_CHARS = 1500;
const MAX_TERMS_PER_HIT = 10;
// send.php, mail.php, mailer.php, next.php, telegram.php, rezult.php...: phishing-kit collectors.
const MAILER_SCRIPT = /(?:^|[/_-])(?:send|sendmail|mailer|mail|smtp|telegram|tg|bot|rezult|result|next|post|submit|action|verif\w{0,20}|confirm\w{0,20}|finish|process|info|data)\d{0,4}\.php$/i;

export function phishingPageHits(page: PhishingPage, mentions: BrandMention[], list: BrandList): RuleHit[] {
  const host = hostOfUrl(page.url);
  const pageParts = host ? splitHost(host) : null;
  if (host && officialBrandOf(host, list)) return [];
  const hits: RuleHit[] = [];

  const credentialForms = page.forms.filter(isCredentialForm);
  const cardForms = page.forms.filter(isCardForm);
  const sensitive = page.forms.filter((f) => isCredentialForm(f) || isCardForm(f) || f.asks.includes('iban'));

  // Lookalike hosts: the page's own, and the hosts its sensitive forms post to. A resemblance that
  // may be chance (a typo of a dictionary word) counts only when the page names that brand.
  const named = new Set(mentions.map((m) => m.brandId));
  const bestLookalike = (h: string) => findLookalikes(h, list).find((l) => !l.needsBrandOnPage || named.has(l.brandId));
  const lookalikes: Array<LookalikeMatch & { where: string }> = [];
  if (host) {
    const best = bestLookalike(host);
    if (best) lookalikes.push({ ...best, where: 'page' });
  }
  for (const form of sensitive) {
    const actionHost = form.action && form.actionScheme !== 'mailto' ? hostOfUrl(form.action) : null;
    if (!actionHost || actionHost === host || lookalikes.some((l) => l.host === actionHost)) continue;
    const best = bestLookalike(actionHost);
    if (best) lookalikes.push({ ...best, where: 'form-action' });
  }
  for (const l of lookalikes) {
    hits.push({
      ruleId: 'phishing.lookalike-domain',
      weight: l.weight,
      terms: textTerms(mentions, l.brandId),
      details: compact({
        domain: l.unicodeHost === l.host ? l.host : `${l.unicodeHost} (${l.host})`,
        where: l.where,
        brand: l.brandId,
        brandName: l.brandName,
        kind: l.kind,
        keyword: l.keyword,
        lureWords: l.lureWords.join(', '),
        distance: l.distance === undefined ? undefined : String(l.distance),
        officialDomains: officialDomains(list, l.brandId),
      }),
    });
  }

  // A brand named on a page with a credential or card form, off the brand's domains.
  const shortPage = page.text.length <= FORM_PAGE_MAX_TEXT_CHARS;
  const brandIds = [...new Set(mentions.map((m) => m.brandId))];
  for (const brandId of brandIds) {
    const brand = list.brands.find((b) => b.id === brandId)!;
    const of = mentions.filter((m) => m.brandId === brandId);
    const inHead = of.some((m) => m.source === 'title' || m.source === 'site-name' || m.source === 'url');
    const inText = of.filter((m) => m.source === 'text').length;
    const postsToBrand = (form: PageForm) => {
      const actionHost = form.action ? hostOfUrl(form.action) : null;
      return actionHost !== null && officialBrandOf(actionHost, list)?.id === brandId;
    };
    const associated = (forms: PageForm[]): { form: PageForm; weight: number } | null => {
      const candidates = forms.filter((f) => !postsToBrand(f));
      const named = candidates.find((f) => of.some((m) => m.source === 'form' && m.formIndex === page.forms.indexOf(f)));
      if (named) return { form: named, weight: PHISHING_WEIGHTS.brandCredentialForm };
      const form = candidates[0];
      if (!form || !shortPage) return null;
      if (inHead) return { form, weight: PHISHING_WEIGHTS.brandCredentialForm };
      if (inText >= 2) return { form, weight: PHISHING_WEIGHTS.brandCredentialFormTextOnly };
      return null;
    };
    const mentionedIn = [...new Set(of.map((m) => m.source))].join(', ');
    // Payment and carrier brands are named on every checkout ("or pay with PayPal", "Livraison
    // Colissimo"), in its text and inside its form: on a page with a card form, only their name in
    // the title, site name or URL counts, for the card form and for the account password beside it.
    const checkoutBrand = (brand.category === 'payment' || brand.category === 'delivery') && cardForms.length > 0 && !inHead;
    const credential = checkoutBrand ? null : associated(credentialForms);
    if (credential) {
      hits.push({
        ruleId: 'phishing.brand-credential-form',
        weight: credential.weight,
        terms: textTerms(mentions, brandId),
        details: formDetails(credential.form, brand.id, brand.name, mentionedIn, host, officialDomains(list, brandId)),
      });
    }
    const card = checkoutBrand ? null : associated(cardForms);
    if (card) {
      hits.push({
        ruleId: 'phishing.card-form-off-brand',
        weight: card.weight === PHISHING_WEIGHTS.brandCredentialForm ? PHISHING_WEIGHTS.cardFormOffBrand : card.weight,
        terms: textTerms(mentions, brandId),
        details: formDetails(card.form, brand.id, brand.name, mentionedIn, host, officialDomains(list, brandId)),
      });
    }
  }

  // Where the collected secrets go.
  for (const form of sensitive) {
    if (form.actionScheme === 'mailto') {
      hits.push({ ruleId: 'phishing.form-to-mailto', weight: PHISHING_WEIGHTS.formToMailto, terms: [], details: compact({ action: form.action ?? undefined, asks: form.asks.join(', ') }) });
      continue;
    }
    const actionHost = form.action ? hostOfUrl(form.action) : null;
    const actionParts = actionHost ? splitHost(actionHost) : null;
    // Another site: another registrable domain (or another host, when the page is served from an IP address).
    const otherSite = actionHost !== null && host !== null && (actionParts && pageParts ? actionParts.registrable !== pageParts.registrable : actionHost !== host);
    if (isCredentialForm(form) && otherSite && !officialBrandOf(actionHost, list)) {
      hits.push({ ruleId: 'phishing.form-to-other-site', weight: PHISHING_WEIGHTS.formToOtherSite, terms: [], details: compact({ action: form.action ?? undefined, pageHost: host ?? undefined, asks: form.asks.join(', ') }) });
    }
    if (form.action && MAILER_SCRIPT.test(new URL(form.action).pathname)) {
      hits.push({ ruleId: 'phishing.php-mailer', weight: PHISHING_WEIGHTS.phpMailer, terms: [], details: compact({ action: form.action, asks: form.asks.join(', ') }) });
    }
  }

  const asks = new Set(page.forms.flatMap((f) => f.asks));
  if (asks.has('password') && asks.has('otp')) {
    hits.push({ ruleId: 'phishing.password-and-otp', weight: PHISHING_WEIGHTS.passwordAndOtp, terms: [], details: { asks: [...asks].join(', ') } });
  }
  if ((asks.has('password') || asks.has('otp')) && cardForms.length > 0) {
    hits.push({ ruleId: 'phishing.credential-and-card', weight: PHISHING_WEIGHTS.credentialAndCard, terms: [], details: { asks: [...asks].join(', ') } });
  }
  return dedupe(hits);
}

function textTerms(mentions: BrandMention[], brandId: string): TermMatch[] {
  return mentions
    .filter((m) => m.brandId === brandId && m.source === 'text')
    .slice(0, MAX_TERMS_PER_HIT)
    .map((m) => ({ term: m.term, start: m.start, end: m.end }));
}

function formDetails(form: PageForm, brandId: string, brandName: string, mentionedIn: string, host: string | null, official: string): Record<string, string> {
  return compact({
    brand: brandId,
    brandName,
    mentionedIn,
    domain: host ?? undefined,
    officialDomains: official,
    formAction: form.action ?? (form.actionScheme ? `(${form.actionScheme})` : '(none: sent by script)'),
    asks: form.asks.join(', '),
  });
}

function officialDomains(list: BrandList, brandId: string): string {
  return list.brands.find((b) => b.id === brandId)?.domains.slice(0, 6).join(', ') ?? '';
}

/** One hit per rule and subject (the same mailer action twice on a page counts once). */
function dedupe(hits: RuleHit[]): RuleHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.ruleId}|${h.details?.brand ?? ''}|${h.details?.domain ?? ''}|${h.details?.action ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compact(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
