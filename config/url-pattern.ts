// A target's scope patterns (scope.allow, scope.deny) run against every URL a crawl discovers, and
// those URLs are written by the sites being watched. They run on RE2 (re2js, as the detection
// rules do): matching time stays linear in the URL whatever the pattern, so neither a careless
// pattern such as `(a+)+$` nor a crafted URL can stall a worker. What RE2 cannot run (lookaround,
// backreferences) is a configuration error saying so.
import { RE2JS } from 're2js';
import { unsupportedSyntax } from '../extractors/rules/regex-guard.ts';

export const MAX_URL_PATTERN_LENGTH = 500;

export interface UrlPattern {
  test(url: string): boolean;
}

export function compileUrlPattern(source: string): { pattern: UrlPattern } | { error: string } {
  if (source.length > MAX_URL_PATTERN_LENGTH) return { error: `pattern longer than ${MAX_URL_PATTERN_LENGTH} characters` };
  const unsupported = unsupportedSyntax(source);
  if (unsupported) return { error: unsupported };
  try {
    const regex = RE2JS.compile(source);
    return { pattern: { test: (url) => regex.test(url) } };
  } catch (err) {
    return { error: `invalid regular expression (RE2 syntax): ${(err as Error).message.replace(/^error parsing regexp: /, '')}` };
  }
}
