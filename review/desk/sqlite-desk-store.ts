// The desk store on one SQLite file, `<dataDir>/desk.sqlite`. The server owns it, but `vigie users`
// writes to it from another process while the server runs: WAL lets readers go on during a write,
// busy_timeout makes the second writer wait instead of failing, and every multi-statement change
// runs in an IMMEDIATE transaction (it takes the write lock first, so it cannot deadlock halfway).
// better-sqlite3 is synchronous; the async interface lets a networked store replace this one.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NonRetryableError } from '../../config/errors.ts';
import { configureConnection } from '../../indexer/embedded/schema.ts';
import { timeMs } from '../../indexer/page-fields.ts';
import { migrateDesk } from './desk-schema.ts';
import {
  DeskConflictError,
  type ApiTokenRecord,
  type AuditEntry,
  type AuditFilter,
  type AuditOutcome,
  type CommentRecord,
  type DeskStore,
  type NewApiToken,
  type NewAuditEntry,
  type NewUser,
  type ReferralFilter,
  type ReferralRecord,
  type ReferralStatus,
  type Role,
  type SessionRecord,
  type StoredUser,
  type User,
  type UserSource,
} from './types.ts';

export const DESK_STORE_FILE = 'desk.sqlite';

export interface SqliteDeskStoreOptions {
  dataDir: string;
  /** How long a write waits for another process (the CLI, the server) holding the write lock. */
  busyTimeoutMs?: number;
}

interface UserRow {
  username: string;
  role: string;
  disabled: number;
  source: string;
  password_hash: string | null;
  created_at: string;
  last_sign_in_at: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

interface TokenRow {
  id: string;
  username: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  outcome: string;
  ip: string | null;
  detail_json: string | null;
}

interface ReferralRow {
  id: string;
  alert_id: string;
  service: string;
  qualification: string;
  comment: string | null;
  created_by: string;
  created_at: string;
  status: string;
  status_at: string;
  package_sha256: string;
  package_bytes: number;
}

// Keys that would put a credential into the audit log if a caller slipped one into `detail`.
// The log is kept for years and read by auditors: a secret there would outlive its rotation.
const SECRET_DETAIL_KEY = /^(password|passwordHash|token|secret|csrfToken|cookie|authorization)$/i;

export class SqliteDeskStore implements DeskStore {
  readonly filePath: string;
  readonly #busyTimeoutMs: number;
  #db: Database.Database | undefined;
  #closed = false;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(options: SqliteDeskStoreOptions) {
    this.filePath = path.join(options.dataDir, DESK_STORE_FILE);
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  }

  async init(): Promise<void> {
    if (this.#closed) throw closedError();
    if (this.#db !== undefined) return;
    let db: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(this.filePath), { recursive: true });
      db = new Database(this.filePath, { timeout: this.#busyTimeoutMs });
      configureConnection(db);
      // Sessions and tokens must belong to an existing user; SQLite checks that only when asked.
      db.pragma('foreign_keys = ON');
      migrateDesk(db);
    } catch (err) {
      db?.close();
      if (err instanceof NonRetryableError) throw err;
      throw new NonRetryableError('desk-open-failed', `cannot open the desk store at ${this.filePath}: ${messageOf(err)}`, { cause: err });
    }
    this.#db = db;
  }

  // ---- users

  async createUser(user: NewUser): Promise<User> {
    try {
      this.#run(
        'INSERT INTO users (username, role, disabled, source, password_hash, created_at) VALUES (?, ?, 0, ?, ?, ?)',
        user.username, user.role, user.source, user.passwordHash, user.createdAt,
      );
    } catch (err) {
      if (isConstraint(err, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new DeskConflictError(`user name ${user.username} is taken`, { cause: err });
      throw err;
    }
    return { username: user.username, role: user.role, disabled: false, source: user.source, createdAt: user.createdAt };
  }

  async getUser(username: string): Promise<StoredUser | null> {
    const row = this.#get<UserRow>('SELECT * FROM users WHERE username = ?', username);
    if (row === undefined) return null;
    const identity = row.oidc_issuer !== null && row.oidc_subject !== null ? { oidcIdentity: { issuer: row.oidc_issuer, subject: row.oidc_subject } } : {};
    return { ...userFromRow(row), passwordHash: row.password_hash, ...identity };
  }

  async bindOidcIdentity(username: string, identity: { issuer: string; subject: string }): Promise<boolean> {
    // Only an account not bound yet: a second binding could move an account to another person.
    const result = this.#run(
      'UPDATE users SET oidc_issuer = ?, oidc_subject = ? WHERE username = ? AND oidc_subject IS NULL',
      identity.issuer, identity.subject, username,
    );
    return result.changes === 1;
  }

  async listUsers(): Promise<User[]> {
    return this.#all<UserRow>('SELECT * FROM users ORDER BY username').map(userFromRow);
  }

  async updateUser(username: string, change: { role?: Role; disabled?: boolean; passwordHash?: string }): Promise<User | null> {
    const row = this.#get<UserRow>(
      `UPDATE users SET role = coalesce(@role, role), disabled = coalesce(@disabled, disabled),
         password_hash = coalesce(@hash, password_hash) WHERE username = @username RETURNING *`,
      { username, role: change.role ?? null, disabled: change.disabled === undefined ? null : Number(change.disabled), hash: change.passwordHash ?? null },
    );
    return row === undefined ? null : userFromRow(row);
  }

  async recordSignIn(username: string, at: string): Promise<void> {
    this.#run('UPDATE users SET last_sign_in_at = ? WHERE username = ?', at, username);
  }

  // ---- sessions

  async createSession(session: SessionRecord): Promise<void> {
    try {
      this.#run(
        'INSERT INTO sessions (id, username, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
        session.id, session.username, session.csrfToken, session.createdAt, session.lastSeenAt,
      );
    } catch (err) {
      throw mapWriteError(err, `session for ${session.username}`);
    }
  }

  /** A disabled account's sessions read as absent, even before they are deleted (defence in depth). */
  async getSession(id: string): Promise<SessionRecord | null> {
    const row = this.#get<{ id: string; username: string; csrf_token: string; created_at: string; last_seen_at: string }>(
      `SELECT s.* FROM sessions s JOIN users u ON u.username = s.username WHERE s.id = ? AND u.disabled = 0`,
      id,
    );
    return row === undefined ? null : { id: row.id, username: row.username, csrfToken: row.csrf_token, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
  }

  async touchSession(id: string, lastSeenAt: string): Promise<void> {
    this.#run('UPDATE sessions SET last_seen_at = ? WHERE id = ?', lastSeenAt, id);
  }

  async deleteSession(id: string): Promise<void> {
    this.#run('DELETE FROM sessions WHERE id = ?', id);
  }

  async deleteUserSessions(username: string): Promise<number> {
    return this.#run('DELETE FROM sessions WHERE username = ?', username).changes;
  }

  /**
   * Deletes the sessions idle since before `idleBefore` or created before `createdBefore` (the
   * idle and absolute expiries), which nothing else removes once their cookie is abandoned.
   * Not in DeskStore yet: the server may call it on a timer. ISO strings compare in time order
   * here because every session time is written by toISOString().
   */
  async deleteExpiredSessions(limits: { idleBefore: string; createdBefore: string }): Promise<number> {
    return this.#run('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?', limits.idleBefore, limits.createdBefore).changes;
  }

  // ---- API tokens

  async createApiToken(token: NewApiToken): Promise<ApiTokenRecord> {
    try {
      this.#run(
        'INSERT INTO api_tokens (id, username, name, prefix, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        token.id, token.username, token.name, token.prefix, token.tokenHash, token.createdAt,
      );
    } catch (err) {
      throw mapWriteError(err, `API token ${token.id}`);
    }
    return { id: token.id, username: token.username, name: token.name, prefix: token.prefix, createdAt: token.createdAt };
  }

  /** Revoked tokens, and the tokens of a disabled account, are not found. */
  async findApiToken(tokenHash: string): Promise<ApiTokenRecord | null> {
    const row = this.#get<TokenRow>(
      `SELECT t.* FROM api_tokens t JOIN users u ON u.username = t.username
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`,
      tokenHash,
    );
    return row === undefined ? null : tokenFromRow(row);
  }

  async listApiTokens(username?: string): Promise<ApiTokenRecord[]> {
    const rows = username === undefined
      ? this.#all<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id')
      : this.#all<TokenRow>('SELECT * FROM api_tokens WHERE username = ? ORDER BY created_at, id', username);
    return rows.map(tokenFromRow);
  }

  async touchApiToken(id: string, at: string): Promise<void> {
    this.#run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', at, id);
  }

  /** Revoking twice keeps the first revocation time. */
  async revokeApiToken(id: string, at: string): Promise<ApiTokenRecord | null> {
    this.#run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id);
    const row = this.#get<TokenRow>('SELECT * FROM api_tokens WHERE id = ?', id);
    return row === undefined ? null : tokenFromRow(row);
  }

  // ---- audit log

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const detail = entry.detail === undefined ? undefined : withoutSecrets(entry.detail);
    const { lastInsertRowid } = this.#run(
      'INSERT INTO audit_log (at, actor, action, subject, outcome, ip, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
      entry.at, entry.actor, entry.action, entry.subject ?? null, entry.outcome, entry.ip ?? null,
      detail === undefined ? null : JSON.stringify(detail),
    );
    return compact({ ...entry, detail, seq: Number(lastInsertRowid) });
  }

  async listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: Math.max(0, Math.floor(filter.limit)) };
    for (const key of ['actor', 'action', 'subject'] as const) {
      const value = filter[key];
      if (value === undefined) continue;
      where.push(`${key} = @${key}`);
      params[key] = value;
    }
    if (filter.before !== undefined) {
      where.push('seq < @before');
      params.before = filter.before;
    }
    const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    return this.#all<AuditRow>(sql, params).map(auditFromRow);
  }

  // ---- comments

  async addComment(comment: Omit<CommentRecord, 'id'>): Promise<CommentRecord> {
    const { lastInsertRowid } = this.#run(
      'INSERT INTO comments (alert_id, author, at, text) VALUES (?, ?, ?, ?)',
      comment.alertId, comment.author, comment.at, comment.text,
    );
    return { id: Number(lastInsertRowid), ...comment };
  }

  async listComments(alertId: string): Promise<CommentRecord[]> {
    return this.#all<{ id: number; alert_id: string; author: string; at: string; text: string }>(
      'SELECT * FROM comments WHERE alert_id = ? ORDER BY id',
      alertId,
    ).map((row) => ({ id: row.id, alertId: row.alert_id, author: row.author, at: row.at, text: row.text }));
  }

  // ---- referrals

  /** Also starts the referral's status history with its first status. */
  async createReferral(referral: ReferralRecord): Promise<ReferralRecord> {
    const createdMs = timeMs(referral.createdAt, 'createdAt');
    const insert = this.#database().transaction(() => {
      this.#run(
        `INSERT INTO referrals (id, alert_id, service, qualification, comment, created_by, created_at, created_ms,
           status, status_at, package_sha256, package_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        referral.id, referral.alertId, referral.service, referral.qualification, referral.comment ?? null, referral.createdBy,
        referral.createdAt, createdMs, referral.status, referral.statusAt, referral.packageSha256, referral.packageBytes,
      );
      this.#appendReferralStatus(referral.id, referral.status, referral.createdBy, referral.statusAt);
    });
    try {
      insert.immediate();
    } catch (err) {
      if (isConstraint(err, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new DeskConflictError(`referral ${referral.id} exists`, { cause: err });
      throw err;
    }
    return compact({ ...referral });
  }

  async getReferral(id: string): Promise<ReferralRecord | null> {
    const row = this.#get<ReferralRow>('SELECT * FROM referrals WHERE id = ?', id);
    return row === undefined ? null : referralFromRow(row);
  }

  async listReferrals(filter: ReferralFilter): Promise<ReferralRecord[]> {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: Math.max(0, Math.floor(filter.limit)), offset: Math.max(0, Math.floor(filter.offset ?? 0)) };
    const columns = { alertId: 'alert_id', service: 'service', status: 'status' } as const;
    for (const [key, column] of Object.entries(columns) as [keyof typeof columns, string][]) {
      const value = filter[key];
      if (value === undefined) continue;
      where.push(`${column} = @${key}`);
      params[key] = value;
    }
    const sql = `SELECT * FROM referrals ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_ms DESC, id DESC LIMIT @limit OFFSET @offset`;
    return this.#all<ReferralRow>(sql, params).map(referralFromRow);
  }

  async setReferralStatus(id: string, status: ReferralStatus, actor: string, at: string): Promise<ReferralRecord | null> {
    const change = this.#database().transaction((): ReferralRow | undefined => {
      const row = this.#get<ReferralRow>('UPDATE referrals SET status = ?, status_at = ? WHERE id = ? RETURNING *', status, at, id);
      if (row !== undefined) this.#appendReferralStatus(id, status, actor, at);
      return row;
    });
    const row = change.immediate();
    return row === undefined ? null : referralFromRow(row);
  }

  async referralStatusHistory(id: string): Promise<{ status: ReferralStatus; actor: string; at: string }[]> {
    return this.#all<{ status: ReferralStatus; actor: string; at: string }>(
      'SELECT status, actor, at FROM referral_status_history WHERE referral_id = ? ORDER BY seq',
      id,
    );
  }

  async referralCountsByService(range: { from?: string; to?: string }): Promise<{ service: string; count: number }[]> {
    const from = range.from === undefined ? Number.MIN_SAFE_INTEGER : timeMs(range.from, 'from');
    const to = range.to === undefined ? Number.MAX_SAFE_INTEGER : timeMs(range.to, 'to');
    return this.#all<{ service: string; count: number }>(
      `SELECT service, count(*) AS count FROM referrals WHERE created_ms BETWEEN ? AND ?
        GROUP BY service ORDER BY count DESC, service`,
      from, to,
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#statements.clear();
    this.#db?.close();
    this.#db = undefined;
  }

  // ---- internals

  #appendReferralStatus(id: string, status: ReferralStatus, actor: string, at: string): void {
    this.#run('INSERT INTO referral_status_history (referral_id, status, actor, at) VALUES (?, ?, ?, ?)', id, status, actor, at);
  }

  #database(): Database.Database {
    if (this.#db === undefined) throw this.#closed ? closedError() : new NonRetryableError('desk-not-initialised', 'the desk store was used before init()');
    return this.#db;
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#database().prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.#statement(sql).run(...params);
  }

  #get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#statement(sql).get(...params) as T | undefined;
  }

  #all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#statement(sql).all(...params) as T[];
  }
}

/** Opens (creating and migrating when needed) `<dataDir>/desk.sqlite`. The caller closes it. */
export async function openDeskStore(dataDir: string, options: Omit<SqliteDeskStoreOptions, 'dataDir'> = {}): Promise<SqliteDeskStore> {
  const store = new SqliteDeskStore({ ...options, dataDir });
  await store.init();
  return store;
}

function userFromRow(row: UserRow): User {
  return compact({
    username: row.username,
    role: row.role as Role,
    disabled: row.disabled !== 0,
    source: row.source as UserSource,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at ?? undefined,
  });
}

function tokenFromRow(row: TokenRow): ApiTokenRecord {
  return compact({
    id: row.id,
    username: row.username,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  });
}

function auditFromRow(row: AuditRow): AuditEntry {
  return compact({
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject ?? undefined,
    outcome: row.outcome as AuditOutcome,
    ip: row.ip ?? undefined,
    detail: row.detail_json === null ? undefined : (JSON.parse(row.detail_json) as Record<string, unknown>),
  });
}

function referralFromRow(row: ReferralRow): ReferralRecord {
  return compact({
    id: row.id,
    alertId: row.alert_id,
    service: row.service,
    qualification: row.qualification,
    comment: row.comment ?? undefined,
    createdBy: row.created_by,
    createdAt: row.created_at,
    status: row.status as ReferralStatus,
    statusAt: row.status_at,
    packageSha256: row.package_sha256,
    packageBytes: row.package_bytes,
  });
}

function withoutSecrets(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, SECRET_DETAIL_KEY.test(key) ? '[redacted]' : value]));
}

/** Drops undefined fields, so records compare and serialise the same whether read or just written. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function isConstraint(err: unknown, code: string): boolean {
  return (err as { code?: unknown } | null)?.code === code;
}

function mapWriteError(err: unknown, what: string): unknown {
  if (isConstraint(err, 'SQLITE_CONSTRAINT_FOREIGNKEY')) {
    return new NonRetryableError('desk-unknown-user', `cannot store the ${what}: no such user`, { cause: err });
  }
  if (isConstraint(err, 'SQLITE_CONSTRAINT_PRIMARYKEY') || isConstraint(err, 'SQLITE_CONSTRAINT_UNIQUE')) {
    return new DeskConflictError(`cannot store the ${what}: it exists already`, { cause: err });
  }
  return err;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function closedError(): NonRetryableError {
  return new NonRetryableError('desk-closed', 'the desk store is closed');
}
