// The review desk for tests: the real pipeline (real Redis, embedded index), a desk store in a
// temp directory and the HTTP server listening on 127.0.0.1, plus clients that sign in like a
// browser (cookie + CSRF header) or call with an API token.
import type { FastifyInstance } from 'fastify';
import type { EnvInput } from '../../config/index.ts';
import { hashPassword } from '../../review/auth/passwords.ts';
import { newApiToken, secretHash } from '../../review/auth/tokens.ts';
import { openDeskStore } from '../../review/desk/index.ts';
import type { DeskStore, Role } from '../../review/desk/types.ts';
import { createDeskContext, type DeskContext, type SessionPolicy } from '../../review/http/context.ts';
import { buildServer } from '../../review/server.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface DeskResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface DeskClient {
  /** Null for a token client (bearer requests need none). */
  csrfToken: string | null;
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<DeskResponse<T>>;
  get<T = any>(path: string): Promise<DeskResponse<T>>;
  post<T = any>(path: string, body?: unknown): Promise<DeskResponse<T>>;
}

export interface TestDesk {
  pipeline: TestPipeline;
  desk: DeskStore;
  ctx: DeskContext;
  app: FastifyInstance;
  baseUrl: string;
  /** Creates an account with TEST_PASSWORD (argon2 hashed, as `vigie users add` does). */
  addUser(username: string, role: Role): Promise<void>;
  /** Creates the account if needed and signs it in through POST /api/v1/session. */
  signIn(username: string, role?: Role): Promise<DeskClient>;
  /** A client with a fresh API token of the account (created if needed). */
  tokenClient(username: string, role?: Role): Promise<DeskClient>;
  /** A client with no credentials. */
  anonymous(): DeskClient;
  close(): Promise<void>;
}

export interface TestDeskOptions {
  clock?: () => Date;
  sessions?: SessionPolicy;
  targetsFile?: string;
  /** Settings from the environment (OpenID Connect, referral services...). */
  env?: EnvInput;
  /** Listen on this port (default: any free one). */
  port?: number;
}

export async function startTestDesk(label: string, options: TestDeskOptions = {}): Promise<TestDesk> {
  const pipeline = await startTestPipeline(label, options.env);
  const desk = await openDeskStore(pipeline.deps.settings.dataDir);
  const ctx = createDeskContext({ pipeline: pipeline.deps, desk, clock: options.clock ?? (() => new Date()), sessions: options.sessions, targetsFile: options.targetsFile });
  const app = buildServer(ctx);
  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const baseUrl = address.replace('localhost', '127.0.0.1');

  const addUser = async (username: string, role: Role) => {
    if ((await desk.getUser(username)) !== null) return;
    await desk.createUser({ username, role, source: 'local', passwordHash: await hashPassword(TEST_PASSWORD), createdAt: new Date().toISOString() });
  };

  const client = (credentials: { cookie?: string; csrfToken?: string | null; bearer?: string }): DeskClient => {
    const request = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
      const headers: Record<string, string> = {};
      if (credentials.cookie) headers.cookie = credentials.cookie;
      if (credentials.csrfToken && method !== 'GET') headers['x-csrf-token'] = credentials.csrfToken;
      if (credentials.bearer) headers.authorization = `Bearer ${credentials.bearer}`;
      // The caller's headers win: a test can send a wrong CSRF token or none.
      Object.assign(headers, extra);
      let payload: string | Uint8Array | undefined;
      if (body !== undefined) {
        if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
        else {
          payload = JSON.stringify(body);
          headers['content-type'] ??= 'application/json';
        }
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload as BodyInit | undefined });
      const text = await response.text();
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    };
    return {
      csrfToken: credentials.csrfToken ?? null,
      request,
      get: (path) => request('GET', path),
      post: (path, body) => request('POST', path, body ?? {}),
    };
  };

  return {
    pipeline,
    desk,
    ctx,
    app,
    baseUrl,
    addUser,
    signIn: async (username, role = 'analyst') => {
      await addUser(username, role);
      const response = await fetch(`${baseUrl}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: TEST_PASSWORD }),
      });
      if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.status} ${await response.text()}`);
      const cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0]!;
      const { csrfToken } = (await response.json()) as { csrfToken: string };
      return client({ cookie, csrfToken });
    },
    tokenClient: async (username, role = 'analyst') => {
      await addUser(username, role);
      const token = newApiToken();
      await desk.createApiToken({ id: `t-${secretHash(token).slice(0, 12)}`, username, name: 'test', prefix: token.slice(0, 10), tokenHash: secretHash(token), createdAt: new Date().toISOString() });
      return client({ bearer: token });
    },
    anonymous: () => client({}),
    close: async () => {
      await app.close();
      await desk.close();
      await pipeline.close();
    },
  };
}
