import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_INFO, categoryLabel, categoryTags, isCategory, legalQualification } from '../../extractors/categories.ts';
import { CATEGORIES } from '../../extractors/types.ts';

const TAXONOMY_DIR = join(import.meta.dirname, '../../../shared/reference/misp-taxonomies');

interface Taxonomy {
  namespace: string;
  predicates: { value: string }[];
  values?: { predicate: string; entry?: { value: string }[] }[];
}

/** Every machine tag the taxonomies define: ns:predicate="value", or ns:predicate when it has no values. */
function knownTags(): Set<string> {
  const tags = new Set<string>();
  for (const file of readdirSync(TAXONOMY_DIR).filter((f) => f.endsWith('.json'))) {
    const taxonomy = JSON.parse(readFileSync(join(TAXONOMY_DIR, file), 'utf8')) as Taxonomy;
    for (const { value: predicate } of taxonomy.predicates) {
      const entries = taxonomy.values?.find((v) => v.predicate === predicate)?.entry ?? [];
      if (entries.length === 0) tags.add(`${taxonomy.namespace}:${predicate}`);
      for (const entry of entries) tags.add(`${taxonomy.namespace}:${predicate}="${entry.value}"`);
    }
  }
  return tags;
}

describe('CATEGORY_INFO', () => {
  it('covers every category with labels, tags and legal bases', () => {
    for (const category of CATEGORIES) {
      const info = CATEGORY_INFO[category];
      expect(info.category).toBe(category);
      expect(info.labelFr).not.toBe('');
      expect(info.labelEn).not.toBe('');
      expect(info.tags.length).toBeGreaterThan(0);
      expect(info.legal.length).toBeGreaterThan(0);
      for (const legal of info.legal) expect(legal.reference).toMatch(/(Code|Loi) .*art\. [LR]?\d/);
    }
    expect(categoryLabel('drugs', 'en')).toBe('Drugs');
    expect(categoryTags('carding')).toContain('carding:product-service="credit-card-data"');
    expect(legalQualification('terrorism')[0]).toContain('421-2-5');
    expect(isCategory('hate')).toBe(true);
    expect(isCategory('spam')).toBe(false);
  });

  it.skipIf(!existsSync(TAXONOMY_DIR))('uses only machine tags that exist in the MISP taxonomies (skipped: ../shared absent)', () => {
    const known = knownTags();
    for (const category of CATEGORIES) {
      for (const tag of CATEGORY_INFO[category].tags) expect(known, `${category}: ${tag}`).toContain(tag);
    }
  });
});
