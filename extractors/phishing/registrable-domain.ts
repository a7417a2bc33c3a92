// Registrable domain ("eTLD+1") of a host name, without the full Public Suffix List: the project
// has no PSL copy and needs none for this purpose. A single-label TLD is the public suffix, except
// for the compact set of multi-label suffixes below (second-level domains under which the public
// registers: co.uk, com.fr, gouv.fr, com.au...) and a few hosting platforms where each customer
// gets a subdomain (github.io, herokuapp.com...) — on those, "paypal-login.github.io" is one
// customer's site, not a subdomain of GitHub, which is exactly what phishing detection must see.
// Unknown multi-label suffixes fall back to the last label: "paypal.xx.yy" is still split sanely.
import { domainToASCII, domainToUnicode } from 'node:url';

const MULTI_LABEL_SUFFIXES: ReadonlySet<string> = new Set(
  (
    // France and its overseas registries, public sectors.
    'gouv.fr asso.fr com.fr nom.fr presse.fr tm.fr prd.fr cci.fr notaires.fr avocat.fr ' +
    // United Kingdom, commonwealth and other ccTLDs with second-level registrations.
    'co.uk org.uk me.uk ltd.uk plc.uk net.uk gov.uk ac.uk nhs.uk police.uk ' +
    'com.au net.au org.au gov.au edu.au co.nz org.nz govt.nz co.za org.za gov.za ' +
    'co.in net.in org.in gov.in co.jp ne.jp or.jp go.jp ac.jp co.kr or.kr go.kr ' +
    'com.br net.br org.br gov.br com.mx org.mx gob.mx com.ar gob.ar com.co gov.co com.pe ' +
    'com.cn net.cn org.cn gov.cn com.hk org.hk com.tw org.tw com.sg org.sg gov.sg com.my ' +
    'co.id or.id go.id com.ph co.th or.th com.vn com.tr gov.tr org.tr com.ua org.ua ' +
    'co.il org.il gov.il com.eg com.sa com.ng co.ke co.ma gov.ma com.tn ' +
    'com.pl net.pl org.pl gov.pl co.at or.at gv.at com.es org.es gob.es com.pt gov.pt ' +
    'com.gr gov.gr com.ru org.ru com.cy gov.be co.ca gc.ca qc.ca ' +
    // Hosting platforms: one customer per subdomain.
    'github.io gitlab.io herokuapp.com netlify.app vercel.app pages.dev workers.dev web.app firebaseapp.com ' +
    'appspot.com azurewebsites.net cloudfront.net blogspot.com wordpress.com wixsite.com weebly.com sharepoint.com ' +
    'square.site myshopify.com glitch.me repl.co onrender.com fly.dev ngrok.io ngrok-free.app ' +
    '000webhostapp.com duckdns.org no-ip.org ddns.net s3.amazonaws.com r2.dev'
  ).split(' '),
);

// Suffixes under which only a government registers (AFNIC reserves gouv.fr to the French State):
// a name there is the administration's own, whatever it resembles.
const GOVERNMENT_SUFFIXES: ReadonlySet<string> = new Set(
  ('gov mil gouv.fr gov.uk police.uk nhs.uk gov.au govt.nz gov.za gov.in go.jp go.kr gov.br gob.mx gob.ar gov.co gov.cn ' +
    'gov.sg go.id gov.tr gov.il gov.ma gv.at gob.es gov.pt gov.gr gov.be gov.pl gc.ca').split(' '),
);

/** Whether `domain` is a public suffix of the list above (co.uk, or a hosting platform such as sharepoint.com). */
export function isPublicSuffix(domain: string): boolean {
  return MULTI_LABEL_SUFFIXES.has(domain);
}

/** Whether a public suffix is reserved to governments (gouv.fr, gov.uk, .gov). */
export function isGovernmentSuffix(suffix: string): boolean {
  return GOVERNMENT_SUFFIXES.has(suffix);
}

export interface HostParts {
  /** The host in ASCII (punycode), lower case, no trailing dot. */
  host: string;
  /** The host as a reader sees it (IDN labels decoded). */
  unicodeHost: string;
  /** Public suffix: "fr", "co.uk", "github.io". */
  suffix: string;
  /** Registrable domain: "paypal.com", "example.co.uk". */
  registrable: string;
  /** The registrable label (the part just left of the suffix): "paypal". */
  name: string;
  /** Labels left of the registrable domain, outermost first: ["www", "secure"]. */
  subdomains: string[];
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Splits a host name (or a URL's hostname); null for IP addresses, bare labels and junk. */
export function splitHost(raw: string): HostParts | null {
  const trimmed = raw.trim().replace(/\.+$/, '').toLowerCase();
  if (trimmed === '' || trimmed.startsWith('[') || IPV4.test(trimmed) || trimmed.length > 253) return null;
  const host = domainToASCII(trimmed);
  if (host === '') return null;
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((l) => l === '')) return null;
  let suffixLength = 1;
  for (let n = Math.min(3, labels.length - 1); n >= 2; n--) {
    if (MULTI_LABEL_SUFFIXES.has(labels.slice(-n).join('.'))) {
      suffixLength = n;
      break;
    }
  }
  if (labels.length <= suffixLength) return null;
  const name = labels[labels.length - suffixLength - 1]!;
  return {
    host,
    unicodeHost: domainToUnicode(host) || host,
    suffix: labels.slice(-suffixLength).join('.'),
    registrable: labels.slice(-suffixLength - 1).join('.'),
    name,
    subdomains: labels.slice(0, -suffixLength - 1),
  };
}

/** The host of an http(s) URL, or null. */
export function hostOfUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.hostname : null;
  } catch {
    return null;
  }
}

/** Whether `host` is `domain` or one of its subdomains (both ASCII, lower case). */
export function isSameOrSubdomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}
