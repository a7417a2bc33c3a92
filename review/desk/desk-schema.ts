// The desk store's SQLite schema (`<dataDir>/desk.sqlite`) and its migrations. Same rules as the
// embedded index (indexer/embedded/schema.ts, whose migration runner this reuses): the version
// lives in `meta`, a later version appends a migration and never edits an earlier one.
//
// The audit log and the referral status history are append-only AT THE STORAGE LEVEL: triggers
// abort any UPDATE or DELETE, so no code path (nor a stray SQL statement) can rewrite the past.
// The audit log's seq is AUTOINCREMENT so a number is never reused: a gap shows a removed line
// (which only deleting the file, or dropping the trigger by hand, could do).
import type Database from 'better-sqlite3';
import { applyMigrations } from '../../indexer/embedded/schema.ts';

type Db = Database.Database;

const V1 = `
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL,
  password_hash TEXT,
  created_at TEXT NOT NULL,
  last_sign_in_at TEXT
) WITHOUT ROWID;

-- id is the SHA-256 of the cookie's token, never the token itself.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users (username),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (username);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users (username),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (username);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  outcome TEXT NOT NULL,
  ip TEXT,
  detail_json TEXT
);
CREATE INDEX audit_actor ON audit_log (actor, seq);
CREATE INDEX audit_action ON audit_log (action, seq);
CREATE INDEX audit_subject ON audit_log (subject, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL,
  author TEXT NOT NULL,
  at TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX comments_alert ON comments (alert_id, id);

-- created_ms beside created_at: range queries compare numbers, whatever ISO form a caller used.
CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  service TEXT NOT NULL,
  qualification TEXT NOT NULL,
  comment TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_at TEXT NOT NULL,
  package_sha256 TEXT NOT NULL,
  package_bytes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX referrals_created ON referrals (created_ms, id);
CREATE INDEX referrals_alert ON referrals (alert_id, created_ms);
CREATE INDEX referrals_service ON referrals (service, created_ms);

CREATE TABLE referral_status_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  referral_id TEXT NOT NULL REFERENCES referrals (id),
  status TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX referral_history_referral ON referral_status_history (referral_id, seq);
CREATE TRIGGER referral_history_no_update BEFORE UPDATE ON referral_status_history
  BEGIN SELECT RAISE(ABORT, 'the referral status history is append-only'); END;
CREATE TRIGGER referral_history_no_delete BEFORE DELETE ON referral_status_history
  BEGIN SELECT RAISE(ABORT, 'the referral status history is append-only'); END;
`;

/** The OpenID Connect identity (issuer and subject) an OIDC account is bound to at its first sign-in. */
const V2 = `
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
`;

const MIGRATIONS: ReadonlyArray<(db: Db) => void> = [(db) => db.exec(V1), (db) => db.exec(V2)];

export const DESK_SCHEMA_VERSION = MIGRATIONS.length;

export function migrateDesk(db: Db): void {
  applyMigrations(db, { what: 'desk store', migrations: MIGRATIONS, tooNewCode: 'desk-schema-too-new' });
}
