// A logged-in session for a target: the cookies a browser context starts with, read from a JSON
// file ops export from a real browser (Playwright's `context.cookies()` array or its storage-state
// `{ cookies, origins }`). The values are secrets: no message, log or error cause ever repeats them.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../config/errors.ts';
import type { ConfigIssue } from '../../config/errors.ts';

/** What Playwright's `context.addCookies` takes: either `url`, or `domain` and `path`. */
export interface SessionCookie {
  name: string;
  value: string;
  url?: string;
  domain?: string;
  path?: string;
  /** Unix time in seconds; -1 or absent for a session cookie. */
  expires?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** Larger than any real cookie jar: a mistaken path to a big file fails fast. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_COOKIES = 1000;

const cookieSchema = z.object({
  name: z.string().min(1, 'must not be empty').regex(/^[^\s;=,]+$/, 'must be a cookie name (no spaces, ";", "=" or ",")'),
  value: z.string(),
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' }).optional(),
  domain: z.string().min(1).optional(),
  path: z.string().startsWith('/', 'must start with /').optional(),
  expires: z.number().optional(),
  httpOnly: z.boolean().optional(),
  secure: z.boolean().optional(),
  sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
}).superRefine((cookie, ctx) => {
  if (cookie.url === undefined && (cookie.domain === undefined || cookie.path === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'needs either url, or both domain and path' });
  }
  if (cookie.url !== undefined && cookie.domain !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['domain'], message: 'give url or domain and path, not both' });
  }
});

const cookiesSchema = z.array(cookieSchema).max(MAX_COOKIES);
// Storage state's `origins` (localStorage) is accepted but not applied: only cookies carry sessions here.
const storageStateSchema = z.object({ cookies: cookiesSchema, origins: z.array(z.unknown()).optional() });

/** Reads and validates a session cookie file; throws ConfigError naming the file and each bad field. */
export async function loadSessionCookies(file: string): Promise<SessionCookie[]> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ConfigError(`session cookie file ${file} is larger than ${MAX_FILE_BYTES} bytes`, [
        { file, path: '', message: `is larger than ${MAX_FILE_BYTES} bytes` },
      ]);
    }
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot read session cookie file ${file} (${code})`, [{ file, path: '', message: `cannot be read (${code})` }], {
      cause: err,
    });
  }
  return parseSessionCookies(text, file);
}

/** Validates the text of a session cookie file; `file` only names it in errors. */
export function parseSessionCookies(text: string, file: string): SessionCookie[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the input around the error, which here could be a cookie value: the
    // cause keeps only the position.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    const where = position === undefined ? '' : ` near character ${position}`;
    throw new ConfigError(`session cookie file ${file} is not valid JSON${where}`, [{ file, path: '', message: `is not valid JSON${where}` }], {
      cause: new SyntaxError(`invalid JSON${where}`),
    });
  }
  if (!Array.isArray(json) && (typeof json !== 'object' || json === null || !('cookies' in json))) {
    throw new ConfigError(`session cookie file ${file} is invalid`, [
      { file, path: '', message: 'must be an array of cookies or a storage state { "cookies": [...] }' },
    ]);
  }
  const parsed = Array.isArray(json) ? cookiesSchema.safeParse(json) : storageStateSchema.safeParse(json);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({
      file,
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    // No cause: zod's issues can carry the offending input, which may be a cookie value.
    throw new ConfigError(`session cookie file ${file} is invalid: ${issues.length} problem(s)`, issues);
  }
  const cookies = Array.isArray(parsed.data) ? parsed.data : (parsed.data as z.infer<typeof storageStateSchema>).cookies;
  return cookies.map((cookie) => {
    const clean: SessionCookie = { name: cookie.name, value: cookie.value };
    for (const key of ['url', 'domain', 'path', 'expires', 'httpOnly', 'secure', 'sameSite'] as const) {
      if (cookie[key] !== undefined) Object.assign(clean, { [key]: cookie[key] });
    }
    return clean;
  });
}
