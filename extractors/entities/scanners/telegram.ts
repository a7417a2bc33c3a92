// Telegram @handles in prose. "@name" alone is ambiguous (Twitter, Instagram, forum mentions),
// so it is reported only within a short window of a Telegram cue: "telegram", "télégramme",
// "tg", "tlg", or a t.me link. A generic "contact on" is deliberately not a cue: it precedes
// handles of every network. t.me links themselves are found by the web scanner.
import { candidate, type Candidate } from '../candidate.ts';
import { validateHandle } from '../validators/telegram.ts';

const CUE_BEFORE_CHARS = 60;
const CUE_AFTER_CHARS = 40;
const MAX_CUE_CHARS = 16;

interface Span {
  start: number;
  end: number;
}

function findCues(text: string): Span[] {
  const cues: Span[] = [];
  const pattern = /t(?<![\p{L}\p{N}_]t)(?:[eé]l[eé]gram(?:me)?|elega|g|lg|\.me)(?![\p{L}\p{N}_])/giu;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) cues.push({ start: m.index, end: m.index + m[0].length });
  return cues;
}

function nearCue(cues: readonly Span[], start: number, end: number): boolean {
  // Cues are sorted: jump to the first that could be in the window (binary search), so a text
  // packed with cues and handles stays linear-ish.
  const from = start - CUE_BEFORE_CHARS - MAX_CUE_CHARS;
  let lo = 0;
  let hi = cues.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cues[mid] as Span).start < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < cues.length; i++) {
    const cue = cues[i] as Span;
    if (cue.start > end + CUE_AFTER_CHARS) break;
    if (cue.end <= start && start - cue.end <= CUE_BEFORE_CHARS) return true;
    if (cue.start >= end && cue.start - end <= CUE_AFTER_CHARS) return true;
  }
  return false;
}

export function scanTelegramHandles(text: string, out: Candidate[]): void {
  // Not preceded by what an e-mail's local part or a URL would put there; not followed by a
  // domain continuation (@example.com).
  const handles = /@(?<![A-Za-z0-9._%+\-@/]@)([A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_@]|[.-][A-Za-z0-9])/g;
  let cues: Span[] | null = null;
  for (let m = handles.exec(text); m; m = handles.exec(text)) {
    const found = validateHandle(m[1] as string);
    if (!found) continue;
    const end = m.index + m[0].length;
    cues ??= findCues(text);
    if (nearCue(cues, m.index, end)) out.push(candidate('telegram', found, m.index, end));
  }
}
