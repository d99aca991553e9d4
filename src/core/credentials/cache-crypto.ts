import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for cache files: `CBX1 | iv (12) | tag (16) | ciphertext`. The entry's name is the additional
 * authenticated data, so a file copied under another target's name does not decrypt.
 */
const MAGIC = Buffer.from('CBX1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const CACHE_KEY_BYTES = 32;

export function encryptEntry(key: Buffer, name: string, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

/** The plaintext, or undefined for anything that is not an intact entry written with this key and name. */
export function decryptEntry(key: Buffer, name: string, blob: Buffer): string | undefined {
  const header = MAGIC.length + IV_BYTES + TAG_BYTES;
  if (blob.length < header || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  try {
    const iv = blob.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(blob.subarray(MAGIC.length + IV_BYTES, header));
    return Buffer.concat([decipher.update(blob.subarray(header)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
