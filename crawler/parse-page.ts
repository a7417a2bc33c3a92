// One fetched HTML page -> title, main text, outgoing links, metadata, language. Parsing goes
// through htmlparser2's parseDocument (several times faster than parse5, cheerio's default), and
// the DOM is read by plain iterative walks rather than CSS selectors: each selector query is a
// full traversal, and the pipeline parses hundreds of pages a second. Never throws on bad input:
// malformed markup, binary junk, huge or absurdly nested documents all yield a (possibly empty)
// result. Callers wanting cheerio can `load(parseHtml(html))` (cheerio/slim) at no parsing cost.
import type { Document } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { detectLanguage } from './language.ts';
import { extractMainText } from './main-text.ts';
import { collectElements } from './parse-collect.ts';
import { extractForms, type PageForm } from './parse-forms.ts';
import { documentBaseUrl, extractLinks } from './parse-links.ts';
import { extractHtmlLang, extractMetadata, extractTitle, type PageMetadata } from './parse-metadata.ts';
import { limitNesting } from './parse-nesting.ts';

export type { PageMetadata } from './parse-metadata.ts';
export type { FieldKind, FormField, PageForm } from './parse-forms.ts';

export interface ParsedPage {
  title: string;
  /** Main text, boilerplate removed; paragraphs separated by "\n\n". */
  text: string;
  /** Absolute http(s) URLs, deduplicated, in document order, fragments removed; not normalised further. */
  links: string[];
  /** hrefs that could not be resolved or use another scheme (mailto: and tel: are skipped, not counted). */
  invalidLinks: number;
  metadata: PageMetadata;
  /** The <html lang> attribute as written. */
  htmlLang: string | null;
  /** ISO 639-1 code of the main text (falls back to htmlLang), or null. */
  language: string | null;
  /** Forms and what they ask for (passwords, card numbers, codes...): phishing evidence. */
  forms: PageForm[];
}

/** Below this many characters of main text, title and description help the language guess. */
const SHORT_TEXT_CHARS = 200;

/** The DOM as parsePage sees it (nesting capped; see parse-nesting.ts). */
export function parseHtml(html: string): Document {
  return parseDocument(limitNesting(typeof html === 'string' ? html : ''));
}

export function parsePage(html: string, baseUrl: string): ParsedPage {
  const doc = parseHtml(html);
  const found = collectElements(doc);
  const base = documentBaseUrl(found.base, baseUrl);
  const { links, invalidLinks } = extractLinks(found.linkSources, base);
  const metadata = extractMetadata(found, base);
  const title = extractTitle(found, metadata.ogTitle);
  const htmlLang = extractHtmlLang(found);
  const text = extractMainText(doc);
  const languageSample =
    text.length >= SHORT_TEXT_CHARS ? text : [title, metadata.description ?? '', text].join('\n');
  const forms = extractForms(found.forms, found.formFields, found.labels, base);
  return { title, text, links, invalidLinks, metadata, htmlLang, language: detectLanguage(languageSample, htmlLang), forms };
}
