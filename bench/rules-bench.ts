// Classification throughput: normalise + one automaton pass + rule evaluation on ordinary 5 KB
// texts, with the shipped lexicons, then with 10,000 extra synthetic terms loaded.
// usage: node --import tsx bench/rules-bench.ts
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { readdirSync, readFileSync } from 'node:fs';
import { FoldCache, normalizeText } from '../extractors/normalize/index.ts';
import { classify, compileRuleSet, ruleSetStats } from '../extractors/rules/index.ts';
import type { RuleSet, RuleSource } from '../extractors/rules/index.ts';

const RULE_DIR = join(import.meta.dirname, '../config/rules');
const TEXT_BYTES = 5_000;
const TEXTS = 200;

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const VOCABULARY = (
  'le la les un une des du de et à en pour sur avec dans par au ce cette il elle nous vous est sont ' +
  'forum message réponse sujet membre vendeur acheteur livraison colis prix euros paiement virement compte ' +
  'service client discussion question aide merci bonjour voiture maison travail vacances musique film match équipe ' +
  'ville quartier école été hôtel déjà très où ça français the a of and to in for on with this that is are post ' +
  'reply thread member seller buyer shipping price payment account weather garden recipe football holiday train ' +
  'cocaïne bitcoin carte mot de passe arme dump replica escort'
).split(/\s+/);

function ordinaryTexts(count: number, rnd: () => number): string[] {
  return Array.from({ length: count }, () => {
    let text = '';
    while (text.length < TEXT_BYTES) {
      const n = 8 + Math.floor(rnd() * 12);
      const words = Array.from({ length: n }, () => VOCABULARY[Math.floor(rnd() * VOCABULARY.length)]!);
      text += `${words.join(' ')}. `;
    }
    return text.slice(0, TEXT_BYTES);
  });
}

function lexiconSources(): RuleSource[] {
  return readdirSync(RULE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ source: f, document: parseDocument(readFileSync(join(RULE_DIR, f), 'utf8')).toJS() }));
}

function syntheticSource(terms: number, rnd: () => number): RuleSource {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = () => Array.from({ length: 4 + Math.floor(rnd() * 6) }, () => letters[Math.floor(rnd() * 26)]).join('');
  const all = Array.from({ length: terms }, (_, i) => {
    if (i % 10 === 0) return `${word()} ${word()}`; // phrases
    if (i % 10 === 1) return `${word()}*`; // prefixes
    return word();
  });
  const rules = Array.from({ length: 10 }, (_, r) => ({
    id: `synthetic.r${r}`,
    description: 'synthetic terms',
    weight: 0.3,
    terms: all.slice((r * terms) / 10, ((r + 1) * terms) / 10),
  }));
  return { source: 'synthetic.yaml', document: { category: 'fraud', rules } };
}

function measure(label: string, ruleSet: RuleSet, texts: string[]): void {
  for (const t of texts.slice(0, 20)) classify(t, [], ruleSet); // warm-up
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const started = process.hrtime.bigint();
  let flags = 0;
  for (let round = 0; round < 3; round++) for (const t of texts) flags += classify(t, [], ruleSet).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perText = (seconds * 1000) / (texts.length * 3);
  console.log(`${label}: ${((bytes * 3) / 1e6 / seconds).toFixed(1)} MB/s, ${perText.toFixed(3)} ms per 5 KB text (${flags} flags)`);
}

const rnd = seeded(42);
const texts = ordinaryTexts(TEXTS, rnd);

const cache = new FoldCache();
for (const t of texts.slice(0, 20)) normalizeText(t, cache);
let started = process.hrtime.bigint();
for (let round = 0; round < 5; round++) for (const t of texts) normalizeText(t, cache);
const normalizeMs = Number(process.hrtime.bigint() - started) / 1e6 / (texts.length * 5);
console.log(`normalizeText: ${normalizeMs.toFixed(3)} ms per 5 KB text`);

started = process.hrtime.bigint();
const lexicons = compileRuleSet(lexiconSources());
console.log(`compile lexicons: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`, ruleSetStats(lexicons));
measure('classify, shipped lexicons', lexicons, texts);

started = process.hrtime.bigint();
const big = compileRuleSet([...lexiconSources(), syntheticSource(10_000, rnd)]);
console.log(`compile lexicons + 10,000 synthetic terms: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`, ruleSetStats(big));
measure('classify, lexicons + 10,000 synthetic terms', big, texts);
