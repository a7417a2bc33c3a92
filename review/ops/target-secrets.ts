// Targets leave the desk redacted (config/redact-target.ts: header values and proxy credentials
// may be secrets, and the schema stores them as written: there is no env reference to show
// instead). So that ops can edit a target they read, or re-import a file they exported, a redacted
// value coming back means "keep the stored one": it is restored from the stored target of the
// same id, and refused where there is nothing to restore (it would store the placeholder). A
// header's value is sent to the target's sites: it is kept only while those sites (seeds, sources,
// scope) are the ones it was written for, or an edit pointing the target elsewhere would carry
// someone's session cookie or bearer token to a site of the editor's choosing.
import { redactTarget, type WatchTarget } from '../../config/index.ts';

export const REDACTED_HEADER = '[redacted]';
const REDACTED_USERINFO = '***';

export interface SecretIssue {
  path: string;
  message: string;
}

export function restoreRedacted(incoming: WatchTarget, stored: WatchTarget | null): { target: WatchTarget; issues: SecretIssue[] } {
  const issues: SecretIssue[] = [];
  const headers: Record<string, string> = {};
  const sameSites = stored !== null && sitesOf(stored) === sitesOf(incoming);
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== REDACTED_HEADER) headers[name] = value;
    else if (stored?.headers[name] === undefined) {
      issues.push({ path: `headers.${name}`, message: `is "${REDACTED_HEADER}" but target ${incoming.id} has no stored value for it to keep: write the value` });
    } else if (!sameSites) {
      issues.push({ path: `headers.${name}`, message: `is "${REDACTED_HEADER}" but the target's seeds, sources or scope changed: write the value again for the new sites` });
    } else headers[name] = stored.headers[name];
  }
  let proxy = incoming.proxy;
  if (proxy !== undefined && hasRedactedUserinfo(proxy)) {
    // The stored proxy is kept only when the redacted form is exactly what the desk showed for it.
    if (stored?.proxy !== undefined && redactTarget(stored).proxy === proxy) proxy = stored.proxy;
    else issues.push({ path: 'proxy', message: `has redacted credentials (${REDACTED_USERINFO}) that match no stored proxy of target ${incoming.id}: write the real ones` });
  }
  const target: WatchTarget = { ...incoming, headers };
  if (proxy === undefined) delete target.proxy;
  else target.proxy = proxy;
  return { target, issues };
}

/** Where a target's requests go, as one comparable string. */
function sitesOf(target: WatchTarget): string {
  return JSON.stringify([target.seeds, target.sources ?? null, target.scope ?? null]);
}

function hasRedactedUserinfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username === REDACTED_USERINFO || parsed.password === REDACTED_USERINFO;
  } catch {
    return false;
  }
}
