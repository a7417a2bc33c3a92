// Reads every *.yaml file of a rule directory and compiles them together, reporting every
// problem of every file (YAML syntax, schema, unknown lists, bad patterns) in one ConfigError.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../config/errors.ts';
import type { ConfigIssue } from '../../config/errors.ts';
import { compileSources } from './compile.ts';
import type { RuleSet, RuleSource } from './compile.ts';

/** Bounded alias expansion: a "billion laughs" rule file is refused, not expanded. */
const MAX_ALIAS_COUNT = 100;

export function loadRuleSet(dir: string): RuleSet {
  return loadRuleSetWith(dir, []);
}

/**
 * The rule directory with `extraFiles` added; an extra file with the name of a directory file
 * replaces it (how `vigie rules test` and `retrohunt` try a new version of a file).
 */
export function loadRuleSetWith(dir: string, extraFiles: readonly string[]): RuleSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(`rule directory not found: ${dir}`, [{ file: dir, path: '', message: 'not a directory' }]);
  }
  const issues: ConfigIssue[] = [];
  const replaced = new Set(extraFiles.map((f) => basename(f)));
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f) && !replaced.has(f)).sort().map((f) => join(dir, f));
  if (files.length + extraFiles.length === 0) issues.push({ file: dir, path: '', message: 'no .yaml rule file' });
  const sources: RuleSource[] = [];
  for (const file of [...files, ...extraFiles]) {
    const read = readRuleFile(file);
    if ('issues' in read) issues.push(...read.issues);
    else sources.push(read);
  }
  const compiled = compileSources(sources);
  issues.push(...compiled.issues);
  if (issues.length > 0 || !compiled.ruleSet) {
    throw new ConfigError(`invalid rule files in ${dir}: ${issues.length} problem(s)`, issues);
  }
  return compiled.ruleSet;
}

/** One rule file read and parsed as YAML (not yet validated). */
export function readRuleFile(file: string): RuleSource | { issues: ConfigIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { issues: [{ file, path: '', message: `cannot read: ${(err as Error).message}` }] };
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((err) => {
        const line = err.linePos?.[0]?.line;
        return { file, path: '', message: `${line ? `line ${line}: ` : ''}${err.message.split('\n')[0]}` };
      }),
    };
  }
  try {
    return { source: file, document: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    return { issues: [{ file, path: '', message: `YAML: ${(err as Error).message}` }] };
  }
}
