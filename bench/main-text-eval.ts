// Main-text quality and speed against the Readability test corpus, Vigie beside Readability.js:
// mean 4-gram word-shingle F1 against expected.html, ms/page (parse included) for both, the
// speed ratio, and the weakest pages. The measurement itself is bench/main-text-compare.ts.
//   node --import tsx bench/main-text-eval.ts [corpus-dir] [--repetitions=N] [--verbose] [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainTextComparison, postRetention, type SideSummary } from './main-text-compare.ts';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const json = args.includes('--json');
const repetitionsArg = args.find((a) => a.startsWith('--repetitions='));
const repetitions = repetitionsArg ? Number(repetitionsArg.slice('--repetitions='.length)) : 3;
const corpus = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '../../shared/corpora/readability-pages');
if (!existsSync(corpus)) {
  console.error(`corpus not found: ${corpus} (it lives in ../shared beside the project)`);
  process.exit(1);
}
if (!Number.isInteger(repetitions) || repetitions < 1) {
  console.error(`--repetitions must be a positive integer, got ${repetitionsArg}`);
  process.exit(2);
}

const result = await mainTextComparison(corpus, { repetitions });
if (json) {
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}

const line = (name: string, s: SideSummary) =>
  `${name.padEnd(12)} F1 mean ${s.f1.toFixed(3)} median ${s.medianF1.toFixed(3)} (P ${s.precision.toFixed(3)}, R ${s.recall.toFixed(3)})  ` +
  `${s.msPerPage.toFixed(2)} ms/page mean, ${s.medianMsPerPage.toFixed(2)} median`;
console.log(`pages: ${result.pages}, ${result.repetitions} timed runs per page and side after a warm-up`);
console.log(line('vigie', result.vigie));
console.log(line('readability', result.readability));
console.log(`readability content rendered as text: F1 ${result.readability.renderedF1.toFixed(3)}`);
console.log(
  `F1 difference (vigie - readability): ${(result.vigie.f1 - result.readability.f1).toFixed(3)}; ` +
    `time ratio vigie/readability: ${(result.vigie.msPerPage / result.readability.msPerPage).toFixed(3)} (means), ` +
    `${(result.vigie.medianMsPerPage / result.readability.medianMsPerPage).toFixed(3)} (medians)`,
);
console.log('weakest pages for vigie:');
const byVigie = [...result.perPage].sort((a, b) => a.vigie.f1 - b.vigie.f1);
for (const r of byVigie.slice(0, verbose ? byVigie.length : 15)) {
  console.log(
    `  ${r.page.padEnd(40)} vigie F1 ${r.vigie.f1.toFixed(3)} P ${r.vigie.precision.toFixed(3)} R ${r.vigie.recall.toFixed(3)} ${r.vigie.ms.toFixed(1)} ms` +
      `   readability F1 ${r.readability.f1.toFixed(3)} ${r.readability.ms.toFixed(1)} ms`,
  );
}

// Forum posts kept, on the generated forum of ../shared/fixtures/make-site.mjs (when present).
const makeSite = join(import.meta.dirname, '../../shared/fixtures/make-site.mjs');
if (existsSync(makeSite)) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-main-text-'));
  try {
    execFileSync(process.execPath, [makeSite, dir, '40'], { stdio: 'ignore' });
    const kept = postRetention(dir);
    console.log(
      `forum posts kept (make-site, ${kept.pages} pages, ${kept.posts} posts): ` +
        `vigie ${kept.vigieKept} (${pct(kept.vigieKept, kept.posts)}), readability ${kept.readabilityKept} (${pct(kept.readabilityKept, kept.posts)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log(`forum post check skipped: ${makeSite} not found`);
}

function pct(n: number, of: number): string {
  return `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
}
