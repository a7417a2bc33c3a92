// argon2id password hashing with the real binding: format and parameters, salts, verification,
// Unicode forms, the policy's messages, and the dummy verification used for unknown users.
import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  DUMMY_PASSWORD_HASH,
  PASSWORD_HASH_OPTIONS,
  dummyVerify,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from '../../review/auth/passwords.ts';

const ARGON2ID = 2;

describe('hashPassword / verifyPassword', () => {
  it('produces argon2id PHC strings with the OWASP parameters and a fresh salt each time', { timeout: 60_000 }, async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
    expect(parseOptions(a)).toMatchObject({ algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1, saltLen: 16 });
  });

  it('accepts the password and refuses any other', { timeout: 60_000 }, async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(stored, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('matches a password typed in either Unicode form (composed é or e + combining accent)', { timeout: 60_000 }, async () => {
    const composed = 'mot de passe très sûr';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(await hashPassword(decomposed), composed)).toBe(true);
  });

  it('denies, without throwing, against a damaged stored hash', async () => {
    expect(await verifyPassword('not a hash', 'whatever password')).toBe(false);
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$broken', 'whatever password')).toBe(false);
  });
});

describe('dummyVerify', () => {
  it('is a real hash with the same parameters as real ones, and matches nothing', { timeout: 60_000 }, async () => {
    const { algorithm, memoryCost, timeCost, parallelism } = parseOptions(DUMMY_PASSWORD_HASH);
    expect({ algorithm, memoryCost, timeCost, parallelism }).toEqual(PASSWORD_HASH_OPTIONS);
    expect(await dummyVerify('correct horse battery staple')).toBe(false);
    expect(await dummyVerify('')).toBe(false);
  });
});

describe('passwordProblem', () => {
  it('accepts 12 to 1024 characters, counted as characters rather than bytes', () => {
    expect(passwordProblem('a'.repeat(12))).toBeNull();
    expect(passwordProblem('é'.repeat(12))).toBeNull();
    expect(passwordProblem('🔑'.repeat(12))).toBeNull();
    expect(passwordProblem('x'.repeat(1024))).toBeNull();
  });

  it('explains a refusal', () => {
    expect(passwordProblem('short')).toBe('the password must be at least 12 characters long (it has 5)');
    expect(passwordProblem('')).toMatch(/at least 12 characters/);
    expect(passwordProblem('🔑'.repeat(11))).toMatch(/it has 11/);
    expect(passwordProblem('x'.repeat(1025))).toBe('the password must be at most 1024 characters long');
  });
});
