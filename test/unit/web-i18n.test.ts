// Every text key the web app asks for exists in French (the default and fallback) and in English,
// including the keys built from the fixed vocabularies (category.<id>, status.<id>, reason.<id>...).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../review/http/web-app.ts';

const sources = readdirSync(WEB_DIR, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.js') && !name.startsWith('i18n'))
  .map((name) => ({ name, text: readFileSync(join(WEB_DIR, name), 'utf8') }));

async function dictionary(lang: 'fr' | 'en'): Promise<Record<string, string>> {
  const parts = readdirSync(join(WEB_DIR, 'i18n')).filter((name) => name === `${lang}.js` || name.startsWith(`${lang}-`));
  const merged: Record<string, string> = {};
  for (const part of parts) Object.assign(merged, (await import(join(WEB_DIR, 'i18n', part))).default);
  return merged;
}

/** Literal keys: t('a.b') and t("a.b"), the first argument only. */
function literalKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const { name, text } of sources) {
    for (const match of text.matchAll(/\bt\(\s*'([a-z0-9-]+\.[a-z0-9.-]+)'/g)) keys.set(match[1]!, name);
  }
  return keys;
}

describe('web app texts', () => {
  it('has every literal key in French and English', async () => {
    const keys = literalKeys();
    expect(keys.size).toBeGreaterThan(100);
    for (const lang of ['fr', 'en'] as const) {
      const dict = await dictionary(lang);
      const missing = [...keys].filter(([key]) => !(key in dict)).map(([key, file]) => `${file}: ${key}`);
      expect(missing, lang).toEqual([]);
    }
  });

  it('has a label for every value of the vocabularies', async () => {
    const vocab = await import(join(WEB_DIR, 'vocab.js'));
    const wanted = [
      ...vocab.CATEGORIES.map((id: string) => `category.${id}`),
      ...vocab.ALERT_STATUSES.map((id: string) => `status.${id}`),
      ...vocab.DISMISS_REASONS.map((id: string) => `reason.${id}`),
      ...vocab.REFERRAL_STATUSES.map((id: string) => `referral-status.${id}`),
      ...vocab.ROLES.map((id: string) => `role.${id}`),
    ];
    for (const lang of ['fr', 'en'] as const) {
      const dict = await dictionary(lang);
      expect(wanted.filter((key) => !(key in dict)), lang).toEqual([]);
    }
  });

  it('names the same vocabularies as the server', async () => {
    const vocab = await import(join(WEB_DIR, 'vocab.js'));
    const { CATEGORIES } = await import('../../extractors/types.ts');
    const { ALERT_STATUSES, DISMISS_REASONS } = await import('../../indexer/types.ts');
    const { REFERRAL_STATUSES, ROLES } = await import('../../review/desk/types.ts');
    expect(vocab.CATEGORIES).toEqual([...CATEGORIES]);
    expect(vocab.ALERT_STATUSES).toEqual([...ALERT_STATUSES]);
    expect(vocab.DISMISS_REASONS).toEqual([...DISMISS_REASONS]);
    expect(vocab.REFERRAL_STATUSES).toEqual([...REFERRAL_STATUSES]);
    expect(vocab.ROLES).toEqual([...ROLES]);
  });

  it('never writes markup from data: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    for (const { name, text } of sources) {
      expect(text, name).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/);
    }
  });
});
