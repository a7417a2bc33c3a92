// The desk's web app: static browser modules under review/web, read once at start into memory
// (nothing outside that folder can be served, whatever the URL says), with an ETag each, and the
// shell index.html for every path the app routes itself, under the app's strict CSP.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeskContext } from './context.ts';
import { errorBody } from './errors.ts';

export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** desk-design.md, "Front end": no inline script or style, frames only from us (the capture view). */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The app's own paths: the browser may be reloaded on any of them and gets the shell. */
export const SHELL_PATHS = [
  '/',
  '/sign-in',
  '/queue',
  '/alerts/:id',
  '/search',
  '/entities',
  '/entities/:type/:value',
  '/targets',
  '/targets/:id',
  '/stats',
  '/audit',
  '/users',
  '/api/docs',
] as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** Dictionary parts (i18n/fr-*.js, en-*.js) are found by the app from this generated list. */
const I18N_PARTS_PATH = 'i18n/parts.json';

export function loadWebFiles(dir: string = WEB_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const type = CONTENT_TYPES[extname(entry.name)];
    if (type === undefined) continue; // editors' swap files and the like are not the app
    files.set(relative(dir, path).split(sep).join('/'), staticFile(readFileSync(path), type));
  }
  const parts = [...files.keys()]
    .map((name) => /^i18n\/((?:fr|en)-[a-z0-9-]+)\.js$/.exec(name)?.[1])
    .filter((part): part is string => part !== undefined)
    .sort();
  files.set(I18N_PARTS_PATH, staticFile(Buffer.from(JSON.stringify(parts)), CONTENT_TYPES['.json']!));
  return files;
}

function staticFile(body: Buffer, contentType: string): StaticFile {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  // Revalidate every time: a deploy changes the files under the same names, and a 304 is cheap.
  void reply.header('etag', file.etag).header('cache-control', 'no-cache');
  if (file.contentType.startsWith('text/html')) void reply.header('content-security-policy', APP_CSP);
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  return reply.type(file.contentType).send(file.body);
}

export function registerWebApp(app: FastifyInstance, _ctx: DeskContext, dir: string = WEB_DIR): void {
  const files = loadWebFiles(dir);
  const shell = files.get('index.html');
  if (shell === undefined) throw new Error(`the web app has no index.html in ${dir}`);
  for (const path of SHELL_PATHS) app.get(path, async (request, reply) => send(request, reply, shell));
  app.get('/app/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = files.get(name);
    if (file === undefined) return reply.status(404).send(errorBody('not-found', `no file /app/${name}`));
    return send(request, reply, file);
  });
}
