// Reads every *.yaml file of a rule directory and compiles them together, reporting every
// problem of every file (YAML syntax, schema, unknown lists, bad patterns) in one ConfigError.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../config/errors.ts';
import type { ConfigIssue } from '../../config/errors.ts';
import { compileSources } from './compile.ts';
import type { RuleSet, RuleSource } from './compile.ts';

export function loadRuleSet(dir: string): RuleSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(`rule directory not found: ${dir}`, [{ file: dir, path: '', message: 'not a directory' }]);
  }
  const issues: ConfigIssue[] = [];
  const sources: RuleSource[] = [];
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort();
  if (files.length === 0) issues.push({ file: dir, path: '', message: 'no .yaml rule file' });
  for (const name of files) {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({ file, path: '', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = err.linePos?.[0]?.line;
        issues.push({ file, path: '', message: `${line ? `line ${line}: ` : ''}${err.message.split('\n')[0]}` });
      }
      continue;
    }
    sources.push({ source: file, document: doc.toJS() });
  }
  const compiled = compileSources(sources);
  issues.push(...compiled.issues);
  if (issues.length > 0 || !compiled.ruleSet) {
    throw new ConfigError(`invalid rule files in ${dir}: ${issues.length} problem(s)`, issues);
  }
  return compiled.ruleSet;
}
