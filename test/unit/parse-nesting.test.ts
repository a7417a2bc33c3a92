import { parseDocument } from 'htmlparser2';
import type { AnyNode } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { limitNesting } from '../../crawler/parse-nesting.ts';

const PAD = `<!-- ${'x'.repeat(70_000)} -->`; // the guard only scans documents past 64 KB

function maxDepth(html: string): number {
  let max = 0;
  const stack: [AnyNode, number][] = parseDocument(html).children.map((n) => [n, 1]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node.type !== 'tag') continue;
    max = Math.max(max, depth);
    for (const child of node.children) stack.push([child, depth + 1]);
  }
  return max;
}

describe('limitNesting', () => {
  it('returns ordinary documents unchanged (same string)', () => {
    const html = `${PAD}<html><body>${'<div><p>para<br>x</p><ul><li>a<li>b</ul></div>'.repeat(2000)}</body></html>`;
    expect(limitNesting(html)).toBe(html);
    const small = '<div>'.repeat(1000);
    expect(limitNesting(small)).toBe(small); // small documents are not scanned at all
  });

  it('flattens nesting beyond the cap and keeps all text and attributes', () => {
    const html = `${PAD}${'<div class="d">'.repeat(2000)}<a href="/deep">deep</a>${'</div>'.repeat(2000)}<p>tail</p>`;
    const limited = limitNesting(html, 100);
    expect(maxDepth(limited)).toBeLessThanOrEqual(102);
    // The over-deep link is closed at once: its href survives, its text follows it.
    expect(limited).toContain('<a href="/deep"></a>deep');
    expect(limited).toContain('<p>tail</p>');
    // Every opening tag is still there (attributes survive), only flattened.
    expect(limited.match(/<div class="d">/g)).toHaveLength(2000);
  });

  it('counts implied end tags as the parser does (unclosed <p>, <li>, <td> are not deep)', () => {
    const html = `${PAD}<ul>${'<li>item'.repeat(3000)}</ul>${'<p>para'.repeat(3000)}<table>${'<tr><td>a<td>b'.repeat(3000)}</table>`;
    expect(maxDepth(html)).toBeLessThan(10);
    expect(limitNesting(html, 50)).toBe(html);
    // ... whereas <li><p> does nest in htmlparser2 (an <li> does not close a <p>), so it is flattened.
    const nested = `${PAD}<ul>${'<li><p>item'.repeat(3000)}</ul>`;
    expect(maxDepth(nested)).toBeGreaterThan(1000);
    expect(maxDepth(limitNesting(nested, 50))).toBeLessThanOrEqual(52);
  });

  it('ignores tags inside comments, scripts and styles', () => {
    const html = `${PAD}<script>${'"<div>"+'.repeat(3000)}1</script><style>${'<div>'.repeat(3000)}</style><!--${'<div>'.repeat(3000)}--><p>ok</p>`;
    expect(limitNesting(html, 50)).toBe(html);
  });

  it('ignores void and self-closed elements', () => {
    const html = `${PAD}<div>${'<br><img src=x><input><svg><path d="M0"/></svg>'.repeat(3000)}</div>`;
    expect(limitNesting(html, 50)).toBe(html);
  });

  it('does not take `<div/>` for a self-closed element outside SVG (the parser does not)', () => {
    const html = `${PAD}${'<div/>'.repeat(3000)}text`;
    expect(maxDepth(html)).toBeGreaterThan(1000);
    expect(maxDepth(limitNesting(html, 50))).toBeLessThanOrEqual(52);
  });

  it('handles unterminated tags and comments at the end of input', () => {
    expect(() => limitNesting(`${PAD}${'<div>'.repeat(600)}<!-- never closed`)).not.toThrow();
    expect(() => limitNesting(`${PAD}${'<div>'.repeat(600)}<span class="x`)).not.toThrow();
    expect(() => limitNesting(`${PAD}${'<div>'.repeat(600)}<script>never closed`)).not.toThrow();
  });
});
