// The first start of a desk with no account: an `admin` account is created with a random password
// written to `<dataDir>/initial-admin-password` (owner-only), so the quick start ends signed in
// at the desk without a default password anyone could guess. The password itself is never printed
// or logged (a service's output ends up in log collectors): only the file's path is.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword } from '../auth/passwords.ts';
import { newSecret } from '../auth/tokens.ts';
import type { DeskStore } from './types.ts';

export const INITIAL_ADMIN = 'admin';
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

/** Creates the first admin when there is no account at all; returns where its password is, or null. */
export async function ensureFirstAdmin(desk: DeskStore, dataDir: string, now: Date): Promise<{ username: string; passwordFile: string } | null> {
  if ((await desk.listUsers()).length > 0) return null;
  const password = newSecret(18);
  const passwordFile = join(dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  // The file first: an account whose password nobody can read would lock the desk.
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await desk.createUser({ username: INITIAL_ADMIN, role: 'admin', source: 'local', passwordHash: await hashPassword(password), createdAt: now.toISOString() });
  await desk.appendAudit({ at: now.toISOString(), actor: 'system', action: 'user.create', subject: INITIAL_ADMIN, outcome: 'ok', detail: { role: 'admin', firstStart: true } });
  return { username: INITIAL_ADMIN, passwordFile };
}
