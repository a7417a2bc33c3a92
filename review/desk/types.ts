// What the review desk keeps besides the index: accounts, sessions, API tokens, the audit log,
// comments and referrals. The embedded implementation is one SQLite file (`<dataDir>/desk.sqlite`)
// owned by the process that serves the desk; times are ISO-8601 UTC strings.

export const ROLES = ['analyst', 'investigator', 'ops', 'admin'] as const;

/** Account names: lowercase so that `Ana` and `ana` can never be two accounts. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export type Role = (typeof ROLES)[number];

/** Where an account's identity comes from: a local password, or an OpenID Connect provider. */
export type UserSource = 'local' | 'oidc';

export interface User {
  username: string;
  role: Role;
  disabled: boolean;
  source: UserSource;
  createdAt: string;
  lastSignInAt?: string;
}

/** A user with the argon2id hash of its password (null for OIDC accounts). Never leaves the server. */
export interface StoredUser extends User {
  passwordHash: string | null;
  /** The OpenID Connect identity an OIDC account was bound to at its first sign-in. */
  oidcIdentity?: { issuer: string; subject: string };
}

export interface NewUser {
  username: string;
  role: Role;
  source: UserSource;
  passwordHash: string | null;
  createdAt: string;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie's token: a stolen database holds no usable session. */
  id: string;
  username: string;
  /** Sent back in the x-csrf-token header on every state change. */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
}

export interface ApiTokenRecord {
  id: string;
  username: string;
  /** What the token is for, as its owner named it. */
  name: string;
  /** The token's first characters, to recognise it in a list (the rest is never stored). */
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface NewApiToken {
  id: string;
  username: string;
  name: string;
  prefix: string;
  /** SHA-256 (hex) of the whole token. */
  tokenHash: string;
  createdAt: string;
}

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  /** Position in the log, from 1; a gap would show a removed line. */
  seq: number;
  at: string;
  /** User name, or `anonymous` before sign-in. */
  actor: string;
  /** Dotted verb: session.sign-in, alert.decide, evidence.view, referral.create, target.update... */
  action: string;
  /** What it acted on (alert id, page id, target id, user name...). */
  subject?: string;
  outcome: AuditOutcome;
  ip?: string;
  /** Small JSON detail (never a secret). */
  detail?: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

export interface AuditFilter {
  actor?: string;
  action?: string;
  subject?: string;
  /** Entries with seq below this (paging backwards from the newest). */
  before?: number;
  limit: number;
}

export interface CommentRecord {
  id: number;
  alertId: string;
  author: string;
  at: string;
  text: string;
}

export const REFERRAL_STATUSES = ['prepared', 'sent', 'acknowledged', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export interface ReferralRecord {
  id: string;
  alertId: string;
  /** Id of a configured referral service (review/referrals/services). */
  service: string;
  qualification: string;
  comment?: string;
  createdBy: string;
  createdAt: string;
  status: ReferralStatus;
  statusAt: string;
  /** SHA-256 of the ZIP package, stored in the evidence artifact store under that hash. */
  packageSha256: string;
  packageBytes: number;
}

export interface ReferralFilter {
  alertId?: string;
  service?: string;
  status?: ReferralStatus;
  limit: number;
  offset?: number;
}

export interface DeskStore {
  init(): Promise<void>;

  /** Throws DeskConflictError when the user name is taken. */
  createUser(user: NewUser): Promise<User>;
  getUser(username: string): Promise<StoredUser | null>;
  listUsers(): Promise<User[]>;
  /** Resolves to the updated user, or null when there is none. */
  updateUser(username: string, change: { role?: Role; disabled?: boolean; passwordHash?: string }): Promise<User | null>;
  recordSignIn(username: string, at: string): Promise<void>;
  /** Binds an OIDC account to the provider's issuer and subject; false when it was already bound. */
  bindOidcIdentity(username: string, identity: { issuer: string; subject: string }): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  touchSession(id: string, lastSeenAt: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Removes sessions unused since idleBefore or created before createdBefore; returns how many. */
  deleteExpiredSessions(limits: { idleBefore: string; createdBefore: string }): Promise<number>;
  /** Signs a user out everywhere (disabled account, role change). */
  deleteUserSessions(username: string): Promise<number>;

  createApiToken(token: NewApiToken): Promise<ApiTokenRecord>;
  /** The live (not revoked) token with this hash, or null. */
  findApiToken(tokenHash: string): Promise<ApiTokenRecord | null>;
  listApiTokens(username?: string): Promise<ApiTokenRecord[]>;
  touchApiToken(id: string, at: string): Promise<void>;
  revokeApiToken(id: string, at: string): Promise<ApiTokenRecord | null>;

  /** Appends one line; nothing can update or delete a line once written. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;

  addComment(comment: Omit<CommentRecord, 'id'>): Promise<CommentRecord>;
  /** Oldest first. */
  listComments(alertId: string): Promise<CommentRecord[]>;

  createReferral(referral: ReferralRecord): Promise<ReferralRecord>;
  getReferral(id: string): Promise<ReferralRecord | null>;
  /** Newest first. */
  listReferrals(filter: ReferralFilter): Promise<ReferralRecord[]>;
  /** Keeps every status change (append-only history); resolves to the updated referral. */
  setReferralStatus(id: string, status: ReferralStatus, actor: string, at: string): Promise<ReferralRecord | null>;
  referralStatusHistory(id: string): Promise<{ status: ReferralStatus; actor: string; at: string }[]>;
  /** Referrals created in [from, to], per service. */
  referralCountsByService(range: { from?: string; to?: string }): Promise<{ service: string; count: number }[]>;

  close(): Promise<void>;
}

/** A unique name or id already taken (the API answers 409 conflict). */
export class DeskConflictError extends Error {
  readonly code = 'conflict';
}
