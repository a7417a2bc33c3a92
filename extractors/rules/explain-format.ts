// Plain-text rendering of an Explanation (`vigie rules test` without --json). Matches are shown
// in their context with the matched text between » and «.
import type { ExplainedMatch, Explanation } from './explain.ts';

export function formatExplanation(e: Explanation, header: readonly string[] = []): string {
  const out: string[] = [...header];
  const entities = e.entities.map((x) => `${x.type} ${x.value} [${x.start}-${x.end}]`);
  out.push(`language: ${e.language ?? 'unknown'}; entities: ${entities.length > 0 ? entities.join(', ') : 'none'}`);
  out.push('');
  if (e.categories.length === 0) out.push('no category scored');
  for (const c of e.categories) {
    out.push(`${c.category}: score ${fixed(c.score)}, threshold ${fixed(c.threshold)} -> ${c.alert ? 'ALERT' : 'below threshold'}`);
    for (const rule of e.rules.filter((r) => r.category === c.category && r.outcome === 'fired')) {
      const damped = rule.weight < rule.baseWeight ? ` (${fixed(rule.baseWeight)} before negative context)` : '';
      out.push(`  + ${rule.id} [${rule.kind}] weight ${fixed(rule.weight)}${damped}: ${rule.description}`);
      out.push(`      from ${rule.source}`);
      if (rule.entities.length > 0) out.push(`      entities near a term: ${rule.entities.join(', ')}`);
      for (const m of rule.matches) out.push(`      ${showMatch(m)}`);
      for (const n of rule.negativeContext) out.push(`      ~ ${n.effect} x${n.factor} by ${n.source}: ${n.path} (${n.scope}): ${n.matches.map((m) => `"${m.text}" [${m.start}-${m.end}]`).join(', ')}`);
    }
  }
  const silent = e.rules.filter((r) => r.outcome !== 'fired');
  if (silent.length > 0) {
    out.push('', 'found terms but did not fire:');
    for (const rule of silent) {
      out.push(`  - ${rule.id} [${rule.kind}] (${rule.category}): ${rule.outcome}`);
      for (const m of rule.matches.slice(0, 5)) out.push(`      ${showMatch(m)}`);
      for (const n of rule.negativeContext) {
        out.push(`      ~ ${n.effect} x${n.factor} by ${n.source}: ${n.path} (${n.scope})${n.description ? ` "${n.description}"` : ''}: ${n.matches.map((m) => showMatch(m)).join('; ')}`);
      }
    }
  }
  if (e.notFired.length > 0) {
    out.push('', 'rules of the file under test that did not fire:');
    for (const r of e.notFired) out.push(`  . ${r.id} (${r.category}): ${r.reason}`);
  }
  return `${out.join('\n')}\n`;
}

function showMatch(m: ExplainedMatch): string {
  const reading = m.reading === undefined ? '' : ` (${m.reading} reading)`;
  return `"${m.term}"${reading} at ${m.start}-${m.end}: ${m.before}»${m.text}«${m.after}`;
}

function fixed(n: number): string {
  return n.toFixed(2);
}
