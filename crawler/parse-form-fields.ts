// What a form field asks for, from its type, its autocomplete tokens, its label and placeholder
// (what the visitor reads) and its name/id, in French and English: a password, a login
// identifier, card number / CVV / expiry, a one-time (SMS) code, an IBAN... (parse-forms.ts reads
// the fields of a page's forms and calls classifyField on each.)

export const FIELD_KINDS = [
  'password', 'login', 'email', 'phone', 'otp', 'card-number', 'card-cvv', 'card-expiry', 'card-holder',
  'iban', 'birthdate', 'national-id', 'name', 'address', 'search', 'hidden', 'other',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface FormField {
  tag: 'input' | 'select' | 'textarea';
  /** Lower-cased input type ('text' when absent or unknown to the HTML spec is kept as written). */
  type: string;
  name: string | null;
  autocomplete: string | null;
  placeholder: string | null;
  /** Text of the <label> for this field (label[for=id] or an enclosing label), or aria-label. */
  label: string | null;
  kind: FieldKind;
}

// Keyword tests over "name id placeholder label autocomplete", lower-cased and accent-stripped.
// Order matters: the first kind that matches wins (a "card number" is not a login "number").
const KIND_PATTERNS: ReadonlyArray<readonly [FieldKind, RegExp]> = [
  ['card-cvv', /\b(?:cvv2?|cvc2?|csc|cid|cryptogramme|code (?:de )?securite|security code|card ?code|cc[-_ ]?(?:csc|cvv|cvc))\b|cvv|cvc/],
  ['card-expiry', /\b(?:expir\w*|exp[-_ ]?(?:date|month|year|mm|yy|aa)|date (?:de )?(?:fin|validite)|validite|valid thru|mm ?\/ ?(?:aa|yy|aaaa|yyyy)|cc[-_ ]?exp\w*)\b/],
  ['card-number', /\b(?:card ?(?:number|num|no)|cc[-_ ]?(?:number|num|no)|cardnumber|ccnum|numero (?:de (?:la )?)?carte|n° (?:de )?carte|carte bancaire|credit card|debit card|pan)\b|cardnum|cc_?number|numcarte|num_carte/],
  ['card-holder', /\b(?:card ?holder|cardholder|titulaire|name on card|nom (?:sur|du porteur|figurant))\b|cc[-_ ]?name/],
  ['otp', /\b(?:otp|one[- ]time|2fa|mfa|sms|code (?:sms|recu|envoye|de (?:verification|confirmation|validation|securite sms)|a \d chiffres|otp)|verification code|confirmation code|security code sent|auth(?:entication)? code|totp|token)\b/],
  ['iban', /\b(?:iban|rib|bic|swift|account number|numero de compte|n° de compte)\b/],
  ['national-id', /\b(?:ssn|social security|securite sociale|nir|numero fiscal|tax id|passport|passeport|carte d'identite|id card)\b/],
  ['birthdate', /\b(?:birth\w*|bday|dob|date de naissance|naissance|ne le)\b/],
  // A bare "pass" only as the last word: "Pass Navigo", "Pass Culture" are travel and culture cards.
  ['password', /\b(?:password|passwd|pass(?! [a-z])|pwd|mot de passe|mdp|passcode|code (?:secret|personnel|d'acces|confidentiel)|pin)\b/],
  ['email', /\b(?:e-?mail|courriel|adresse (?:e-?)?mail|mail)\b/],
  ['phone', /\b(?:phone|tel|telephone|mobile|portable|gsm)\b/],
  ['login', /\b(?:user(?:name|id)?|login|identifiant|id(?:entifier)?|numero (?:client|d'abonne|d'utilisateur)|client number|customer (?:id|number)|n° client|account id|apple id|compte)\b/],
  ['search', /\b(?:search|recherch\w*|query|q)\b/],
  ['address', /\b(?:address|adresse|street|rue|city|ville|zip|postal|code postal|cp)\b/],
  ['name', /\b(?:name|nom|prenom|first ?name|last ?name|surname|fullname)\b/],
];

const AUTOCOMPLETE_KINDS: Readonly<Record<string, FieldKind>> = {
  'current-password': 'password', 'new-password': 'password', username: 'login', email: 'email', tel: 'phone',
  'tel-national': 'phone', 'one-time-code': 'otp', 'cc-number': 'card-number', 'cc-csc': 'card-cvv',
  'cc-exp': 'card-expiry', 'cc-exp-month': 'card-expiry', 'cc-exp-year': 'card-expiry', 'cc-name': 'card-holder',
  'cc-given-name': 'card-holder', 'cc-family-name': 'card-holder', bday: 'birthdate', 'bday-day': 'birthdate',
  'bday-month': 'birthdate', 'bday-year': 'birthdate', name: 'name', 'given-name': 'name', 'family-name': 'name',
  'street-address': 'address', 'postal-code': 'address', 'address-line1': 'address',
};

/** The kind of a field: its type first, then autocomplete tokens, then its words. */
export function classifyField(field: Omit<FormField, 'kind'>, id: string | null = null): FieldKind {
  if (field.type === 'hidden') return 'hidden';
  if (field.type === 'password') return 'password';
  for (const token of (field.autocomplete ?? '').split(/\s+/)) {
    const kind = AUTOCOMPLETE_KINDS[token];
    if (kind) return kind;
  }
  // What the visitor reads (label, placeholder) first: names are often generated or misleading
  // ("userGridPasswordCredential.username" is the login field of a bank form).
  for (const text of [[field.label, field.placeholder], [field.name, id]]) {
    const words = fold(text.filter(Boolean).join(' '));
    if (words === '') continue;
    for (const [kind, pattern] of KIND_PATTERNS) if (pattern.test(words)) return refine(kind, words);
  }
  if (field.type === 'email') return 'email';
  if (field.type === 'tel') return 'phone';
  if (field.type === 'search') return 'search';
  return 'other';
}

/** camelCase split, lower case, accents stripped, separators as spaces: "cardNumber" -> "card number". */
function fold(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[_\-.[\]]+/g, ' ');
}

/** A phone number asked for: "numéro de mobile", or a phone word without any code ("Téléphone (alertes SMS)"). */
const PHONE_NUMBER_FIELD = /\b(?:numero|number|n°)\b.{0,40}\b(?:telephone|tel|mobile|portable|phone|gsm)\b|^(?!.*\bcode\b).*\b(?:telephone|tel|phone|mobile|portable|gsm)\b/;
const NATIONAL_ID = /\b(?:passport|passeport|carte d'identite|id card|titre de sejour|permis)\b/;

/**
 * Second looks where the first matching kind reads a word out of context: a phone field that
 * mentions SMS alerts is a phone number, not a one-time code; a bank "code de sécurité SMS" is a
 * one-time code, not a CVV; a passport's date of validity is no card expiry; a customer account
 * number ("numéro de compte client") is a login, not an IBAN.
 */
function refine(kind: FieldKind, words: string): FieldKind {
  if (kind === 'otp' && PHONE_NUMBER_FIELD.test(words)) return 'phone';
  if (kind === 'card-cvv' && /\bsms\b/.test(words)) return 'otp';
  if (kind === 'card-expiry' && NATIONAL_ID.test(words)) return 'national-id';
  if (kind === 'iban' && /\b(?:compte|account) (?:client|abonne|utilisateur|customer|fidelite)\b|\bcustomer account\b/.test(words)) return 'login';
  return kind;
}
