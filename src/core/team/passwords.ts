import { createRequire } from 'node:module';
import { CrossbarError } from '../errors.js';

const require = createRequire(import.meta.url);

interface Argon2 {
  hash(password: string, options?: Record<string, unknown>): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

let argon2: Argon2 | undefined;
function load(): Argon2 {
  argon2 ??= require('@node-rs/argon2') as Argon2;
  return argon2;
}

/** Passwords are hashed with argon2id (OWASP's parameters: 19 MiB, 2 iterations, 1 lane), by a maintained library. */
export function hashPassword(password: string): Promise<string> {
  return load().hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await load().verify(hashed, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so that a wrong name takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('crossbar-decoy-password');
  return decoy;
}

export const MIN_PASSWORD_LENGTH = 12;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new CrossbarError('INVALID', `the password is shorter than ${MIN_PASSWORD_LENGTH} characters`, {
      hint: 'use a longer passphrase; a password manager can make one',
    });
  if (password.length > 1024)
    throw new CrossbarError('INVALID', 'the password is longer than 1024 characters', { hint: 'use a shorter one' });
}
