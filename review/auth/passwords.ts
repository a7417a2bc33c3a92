// Local account passwords: argon2id with the OWASP Password Storage parameters (19 MiB, 2 passes,
// 1 lane), the password policy, and a dummy verification that makes "no such user" cost as much
// time as "wrong password", so sign-in timing does not tell which user names exist.
import { hash, verify, type Options } from '@node-rs/argon2';

// `Algorithm` is a const enum in the binding's typings, which isolated-module transpilers (tsx)
// cannot inline: 2 is Algorithm.Argon2id.
const ARGON2ID = 2;

export const PASSWORD_HASH_OPTIONS: Readonly<Options> = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export const PASSWORD_MIN_CHARS = 12;
// An upper bound keeps a megabyte "password" from becoming a cheap way to burn server CPU.
export const PASSWORD_MAX_CHARS = 1024;

/**
 * The same password typed on two systems can arrive in two Unicode forms (é as one code point or
 * as e + combining accent); NFC makes them one, before hashing and before counting characters.
 */
function normalise(plain: string): string {
  return plain.normalize('NFC');
}

/** Why a password is refused, or null when it is acceptable. Counts characters, not bytes. */
export function passwordProblem(plain: string): string | null {
  const length = [...normalise(plain)].length;
  if (length < PASSWORD_MIN_CHARS) return `the password must be at least ${PASSWORD_MIN_CHARS} characters long (it has ${length})`;
  if (length > PASSWORD_MAX_CHARS) return `the password must be at most ${PASSWORD_MAX_CHARS} characters long`;
  return null;
}

/** An argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`); a fresh random salt each time. */
export async function hashPassword(plain: string): Promise<string> {
  return hash(normalise(plain), PASSWORD_HASH_OPTIONS);
}

/**
 * Whether `plain` matches `passwordHash` (the comparison is constant-time inside the binding).
 * A stored hash that cannot be parsed denies rather than throws: a damaged account row must not
 * turn a sign-in into a server error, and must never let anyone in.
 */
export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalise(plain));
  } catch {
    return false;
  }
}

/**
 * A real argon2id hash, with PASSWORD_HASH_OPTIONS, of 32 random bytes that were thrown away: it
 * matches no password. Fixed in the source rather than computed at start, so that the first
 * unknown user name of a process costs no extra hashing time (the unit test checks its options
 * still equal PASSWORD_HASH_OPTIONS).
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$qiyT8A2TfHdkhZgNp9TVJA$QySQNGQYCTO3YPk024cddHWWQ1OLnr++jGN+c0tfx58';

/**
 * Spends the time of one real verification and resolves to false. Call it when the user does not
 * exist (or has no local password) so that answer takes as long as a wrong password.
 */
export async function dummyVerify(plain: string): Promise<false> {
  await verifyPassword(DUMMY_PASSWORD_HASH, plain);
  return false;
}
