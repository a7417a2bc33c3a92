// `render: auto`: decide from the static HTML whether a page needs Chromium. A page needs it when
// scripts build what a reader would see: an empty application shell (<div id="root"></div>), a
// <noscript> that asks for JavaScript, or a body of a few words beside a large inline script.
// Pages that carry their text in the HTML (articles with analytics scripts, plain pages) do not.
import { Parser } from 'htmlparser2';

/** Visible text below this many characters counts as "little text". */
export const LITTLE_TEXT_CHARS = 200;
/** With an explicit sign of a script-built page, up to this much text is still only a shell. */
const SHELL_TEXT_CHARS = 1000;
/** Inline script this many times larger than the text (and at least SCRIPT_HEAVY_MIN_BYTES) dominates the page. */
const SCRIPT_TO_TEXT_RATIO = 20;
const SCRIPT_HEAVY_MIN_BYTES = 5000;

// Mount points of the common front-end frameworks (React, Vue, Next, Nuxt, Gatsby, Angular, Svelte, Ember).
const MOUNT_IDS = new Set(['root', 'app', '__next', '__nuxt', '___gatsby', 'react-root', 'app-root', 'svelte', 'main-app', 'application']);
const MOUNT_TAGS = new Set(['app-root', 'ember-app']);
const MOUNT_ATTRS = ['data-reactroot', 'ng-app', 'data-ng-app', 'data-v-app', 'data-server-rendered'];
const JS_HINT = /\b(?:java\s?script|js)\b/i;
const EXECUTABLE_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript', 'text/ecmascript', 'application/ecmascript', 'text/jsx', 'text/babel']);
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

export interface StaticHtmlSignals {
  /** Executable <script> elements, inline or external (JSON and templates are not). */
  scripts: number;
  inlineScriptBytes: number;
  /** A framework mount point with nothing inside it. */
  emptyMountPoint: boolean;
  /** A <noscript> that mentions JavaScript ("please enable JavaScript"). */
  noscriptAsksForJs: boolean;
}

/**
 * Whether a page fetched as static HTML should be rendered in Chromium (`render: auto`).
 * `parsedTextLength`: the length of the visible text the static parser extracted.
 */
export function needsRendering(html: string, parsedTextLength: number): boolean {
  const signals = staticHtmlSignals(html);
  if (signals.scripts === 0) return false;
  if (parsedTextLength < LITTLE_TEXT_CHARS) return true;
  if ((signals.emptyMountPoint || signals.noscriptAsksForJs) && parsedTextLength < SHELL_TEXT_CHARS) return true;
  return signals.inlineScriptBytes >= SCRIPT_HEAVY_MIN_BYTES
    && signals.inlineScriptBytes > parsedTextLength * SCRIPT_TO_TEXT_RATIO
    && parsedTextLength < SHELL_TEXT_CHARS;
}

export function staticHtmlSignals(html: string): StaticHtmlSignals {
  const signals: StaticHtmlSignals = { scripts: 0, inlineScriptBytes: 0, emptyMountPoint: false, noscriptAsksForJs: false };
  // Inside any <script>/<style>/<template> (text that is not visible), and inside an executable inline script.
  let inRawText = false;
  let inScript = false;
  let inNoscript = 0;
  let noscriptText = '';
  // Open mount points (the element depth at which each opened), innermost last. Content fills
  // every open mount at once, so the filled ones are always a prefix: `filledMounts` counts it,
  // which keeps each tag O(1) however deeply mount points nest (a hostile page can nest thousands).
  const mounts: number[] = [];
  let filledMounts = 0;
  let depth = 0;

  const fillMounts = (): void => {
    filledMounts = mounts.length;
  };

  const parser = new Parser({
    onopentag(name, attribs) {
      if (mounts.length > 0) fillMounts();
      if (name === 'script') {
        inRawText = true;
        const type = (attribs.type ?? '').trim().toLowerCase().split(';', 1)[0] ?? '';
        if (EXECUTABLE_TYPES.has(type)) {
          signals.scripts++;
          inScript = attribs.src === undefined;
        }
      } else if (name === 'style' || name === 'template') {
        inRawText = true;
      } else if (name === 'noscript') {
        inNoscript++;
      }
      if (VOID_ELEMENTS.has(name)) return;
      depth++;
      if (isMountPoint(name, attribs)) mounts.push(depth);
    },
    ontext(text) {
      if (inScript) signals.inlineScriptBytes += Buffer.byteLength(text);
      if (inRawText) return;
      if (inNoscript > 0 && noscriptText.length < 2000) noscriptText += text;
      if (mounts.length > 0 && text.trim() !== '') fillMounts();
    },
    onclosetag(name) {
      if (name === 'script' || name === 'style' || name === 'template') {
        inRawText = false;
        inScript = false;
      }
      if (name === 'noscript') inNoscript = Math.max(0, inNoscript - 1);
      // htmlparser2 reports void elements closed at once; they never counted towards the depth.
      if (VOID_ELEMENTS.has(name)) return;
      if (mounts.length > 0 && mounts[mounts.length - 1] === depth) {
        if (filledMounts < mounts.length) signals.emptyMountPoint = true;
        mounts.pop();
        filledMounts = Math.min(filledMounts, mounts.length);
      }
      depth = Math.max(0, depth - 1);
    },
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.write(html);
  parser.end();
  signals.noscriptAsksForJs = JS_HINT.test(noscriptText);
  return signals;
}

function isMountPoint(name: string, attribs: Record<string, string>): boolean {
  if (MOUNT_TAGS.has(name)) return true;
  if (attribs.id !== undefined && MOUNT_IDS.has(attribs.id.trim().toLowerCase())) return true;
  return MOUNT_ATTRS.some((attr) => attribs[attr] !== undefined);
}
