// The review desk's store: accounts, sessions, API tokens, the audit log, comments and referrals.
export * from './types.ts';
export { DESK_STORE_FILE, SqliteDeskStore, openDeskStore } from './sqlite-desk-store.ts';
export type { SqliteDeskStoreOptions } from './sqlite-desk-store.ts';
export { DESK_SCHEMA_VERSION } from './desk-schema.ts';
export { ensureFirstAdmin, INITIAL_ADMIN, INITIAL_ADMIN_PASSWORD_FILE } from './first-admin.ts';
