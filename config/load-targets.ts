// Loading a watch-target YAML file: every problem is reported (syntax, schema, duplicates) as
// `file:line: path.to.field: message`, never just the first one.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { targetsFileSchema, type WatchTarget } from './target-schema.ts';

export async function loadTargetsFile(file: string): Promise<WatchTarget[]> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}`, [{ file, path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }], { cause: err });
  }
  return parseTargetsYaml(source, file);
}

export function parseTargetsYaml(source: string, file = '(input)'): WatchTarget[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = doc.errors.map((error) => ({
    file: withLine(file, lineCounter.linePos(error.pos[0]).line),
    path: '',
    message: `YAML syntax: ${error.message.split('\n')[0]}`,
  }));
  if (issues.length > 0) throw new ConfigError(`${file} is not valid YAML`, issues);

  let raw: unknown;
  try {
    // Bounded alias expansion: a "billion laughs" file is refused, not expanded.
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${file} is not valid YAML`, [{ file, path: '', message: `YAML: ${(err as Error).message}` }], { cause: err });
  }
  const parsed = targetsFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({
        file: withLine(file, lineOf(doc, lineCounter, issue.path)),
        path: issue.path.map(String).join('.'),
        message: issue.message,
      });
    }
  }
  issues.push(...duplicateIdIssues(raw, (path) => withLine(file, lineOf(doc, lineCounter, path))));
  if (issues.length > 0 || !parsed.success) throw new ConfigError(`${file} has ${issues.length} problem(s)`, issues);
  return parsed.data.targets.map((target) => Object.freeze(target));
}

/** Duplicate ids are checked on the raw data so they are reported alongside schema problems. */
function duplicateIdIssues(raw: unknown, where: (path: PropertyKey[]) => string): ConfigIssue[] {
  const targets = (raw as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  const firstIndexById = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  targets.forEach((target: unknown, index) => {
    const id = (target as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, index);
    else issues.push({ file: where(['targets', index, 'id']), path: `targets.${index}.id`, message: `duplicate id "${id}" (already used by targets.${first})` });
  });
  return issues;
}

function withLine(file: string, line: number | undefined): string {
  return line ? `${file}:${line}` : file;
}

/** The line of the deepest YAML node that exists along `path` (a missing field points at its parent). */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
