// The targets YAML as the desk writes it: the export, and the file that `vigie start --targets`
// follows, written back after each desk edit so that its watcher and a restart keep the edit
// instead of reverting it. A target the edit did not touch keeps its YAML as written (comments,
// short form); a new or changed one is written out in full.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Document, YAMLSeq, isMap, isSeq, parseDocument, type Node } from 'yaml';
import { targetSchema, type WatchTarget } from '../../config/index.ts';

/** The YAML of a target set; `previous` is the file's current text, whose untouched targets are kept as they are. */
export function targetsYaml(targets: readonly WatchTarget[], previous: string | null = null, header?: string): string {
  const kept = previous === null ? null : keptTargets(previous);
  const doc = kept?.doc ?? new Document({});
  if (kept === null && header) doc.commentBefore = header;
  // The file's order stays; new targets go after the ones it had.
  const order = [...(kept?.nodes.keys() ?? [])];
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const ordered = [...targets].sort((a, b) => rank(a.id) - rank(b.id));
  const items = ordered.map((target) => {
    const old = kept?.nodes.get(target.id);
    if (old && old.json === JSON.stringify(target)) return old.node;
    return (old && edited(doc, old.node, target)) ?? doc.createNode(plain(target));
  });
  const seq = new YAMLSeq();
  seq.items.push(...items);
  doc.set('targets', seq);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Writes the file atomically (temp file in the same directory, synced, then renamed over it), keeping its mode. */
export async function writeTargetsFile(file: string, targets: readonly WatchTarget[]): Promise<void> {
  const previous = await readFile(file, 'utf8').catch(() => null);
  const text = targetsYaml(targets, previous, ' Watch targets (config/targets.example.yaml documents every field).');
  // A new file may hold proxy credentials and header secrets: readable by its owner only.
  const mode = ((await stat(file).catch(() => null))?.mode ?? 0o600) & 0o777;
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** The file's document and its valid targets' nodes by id, or null when it cannot be reused. */
function keptTargets(text: string): { doc: Document; nodes: Map<string, { node: Node; json: string }> } | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  const nodes = new Map<string, { node: Node; json: string }>();
  const seq = doc.get('targets', true);
  if (!isSeq(seq)) return { doc, nodes };
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    let raw: unknown;
    try {
      raw = item.toJSON();
    } catch {
      continue; // aliases and the like: written out in full instead
    }
    const parsed = targetSchema.safeParse(raw);
    if (parsed.success) nodes.set(parsed.data.id, { node: item, json: JSON.stringify(parsed.data) });
  }
  return { doc, nodes };
}

/**
 * The file's node of a changed target with only the changed top-level fields rewritten (a pause
 * adds `enabled: false` and keeps the rest as written); null when that does not read back as the
 * target, which is then written out in full.
 */
function edited(doc: Document, node: Node, target: WatchTarget): Node | null {
  if (!isMap(node)) return null;
  const copy = node.clone();
  if (!isMap(copy)) return null;
  const was = targetSchema.safeParse(copy.toJSON());
  if (!was.success) return null;
  const next = plain(target) as Record<string, unknown>;
  const before = was.data as Record<string, unknown>;
  for (const key of new Set([...Object.keys(before), ...Object.keys(next)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(next[key])) continue;
    if (next[key] === undefined) copy.delete(key);
    else copy.set(key, doc.createNode(next[key]));
  }
  const after = targetSchema.safeParse(copy.toJSON());
  return after.success && JSON.stringify(after.data) === JSON.stringify(target) ? copy : null;
}

/** Stored targets are frozen objects; the YAML writer wants plain ones. */
function plain(target: WatchTarget): unknown {
  return JSON.parse(JSON.stringify(target));
}
