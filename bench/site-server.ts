// A static server for benchmark sites, from memory (so disk I/O does not blur the comparison),
// with keep-alive; unknown paths are 404 like on any site.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';

export interface SiteServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

function loadFiles(root: string, dir = root, files = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) loadFiles(root, path, files);
    else if (name.endsWith('.html')) files.set(`/${relative(root, path)}`, readFileSync(path));
  }
  return files;
}

export async function serveSite(root: string, host = '127.0.0.1'): Promise<SiteServer> {
  const files = loadFiles(root);
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = files.get(path === '/' ? '/index.html' : path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>404</title><p>Not found</p>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length }).end(body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
