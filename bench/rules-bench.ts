// Rule matching throughput: normalisation + one automaton pass + rule evaluation on ordinary 5 KB
// texts (French and English forum prose with a few lexicon words), with the shipped rule set,
// then with 10,000 extra generated terms loaded. Each figure is the median of several rounds.
// usage: node --import tsx bench/rules-bench.ts [--rounds N]   (npm run bench:rules)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { FoldCache, normalizeText } from '../extractors/normalize/index.ts';
import { classify, compileRuleSet, ruleSetStats } from '../extractors/rules/index.ts';
import type { RuleSet, RuleSource } from '../extractors/rules/index.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Math.max(1, Number(values.rounds) || 7);
const RULE_DIR = join(import.meta.dirname, '../config/rules');
const TEXT_BYTES = 5_000;
const TEXTS = 200;
const EXTRA_TERMS = 10_000;

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
  'cocaïne bitcoin carte mot de passe arme dump replica escort 2024 10€ h24'
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

/** `terms` distinct generated terms: words, two-word phrases and prefixes, over 10 rules. */
function syntheticSource(terms: number, rnd: () => number): RuleSource {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = () => Array.from({ length: 4 + Math.floor(rnd() * 6) }, () => letters[Math.floor(rnd() * 26)]).join('');
  const all = new Set<string>();
  while (all.size < terms) {
    const i = all.size;
    if (i % 10 === 0) all.add(`${word()} ${word()}`); // phrases
    else if (i % 10 === 1) all.add(`${word()}*`); // prefixes
    else all.add(word());
  }
  const list = [...all];
  const rules = Array.from({ length: 10 }, (_, r) => ({
    id: `synthetic.r${r}`,
    description: 'synthetic terms',
    weight: 0.3,
    terms: list.slice((r * terms) / 10, ((r + 1) * terms) / 10),
  }));
  return { source: 'synthetic.yaml', document: { category: 'fraud', rules } };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median MB/s over the rounds of `work` run on every text. */
function throughput(texts: string[], work: (text: string) => void): { mbPerSec: number; msPerText: number } {
  for (const t of texts.slice(0, 20)) work(t); // warm-up
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const seconds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (const t of texts) work(t);
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  const s = median(seconds);
  return { mbPerSec: bytes / 1e6 / s, msPerText: (s * 1000) / texts.length };
}

function report(label: string, r: { mbPerSec: number; msPerText: number }): void {
  console.log(`  ${label}: ${r.mbPerSec.toFixed(1)} MB/s (${r.msPerText.toFixed(3)} ms per 5 KB text)`);
}

function compileTimed(sources: RuleSource[]): { ruleSet: RuleSet; ms: number } {
  const started = process.hrtime.bigint();
  const ruleSet = compileRuleSet(sources);
  return { ruleSet, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const rnd = seeded(42);
const texts = ordinaryTexts(TEXTS, rnd);
console.log(`rule matching: ${TEXTS} ordinary 5 KB texts, median of ${ROUNDS} rounds (one automaton pass per text over the normalised words)`);

const cache = new FoldCache();
report('normalisation alone', throughput(texts, (t) => void normalizeText(t, cache)));

const shipped = compileTimed(lexiconSources());
const s1 = ruleSetStats(shipped.ruleSet);
console.log(`  shipped rule set: ${s1.rules} rules, ${s1.terms} terms, ${s1.automatonNodes} automaton nodes (compiled in ${shipped.ms.toFixed(0)} ms)`);
report('classify, shipped rules', throughput(texts, (t) => void classify(t, [], shipped.ruleSet)));

const big = compileTimed([...lexiconSources(), syntheticSource(EXTRA_TERMS, rnd)]);
const s2 = ruleSetStats(big.ruleSet);
console.log(`  with ${EXTRA_TERMS.toLocaleString('en')} generated terms: ${s2.rules} rules, ${s2.terms} terms, ${s2.automatonNodes} automaton nodes (compiled in ${big.ms.toFixed(0)} ms)`);
const bigScan = throughput(texts, (t) => void big.ruleSet.automaton.scan(normalizeText(t, big.ruleSet.foldCache)));
report(`normalise + automaton pass, ${s2.terms} terms`, bigScan);
report(`classify, ${s2.terms} terms`, throughput(texts, (t) => void classify(t, [], big.ruleSet)));
