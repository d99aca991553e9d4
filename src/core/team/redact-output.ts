/**
 * What a run through the server keeps of an answer: every viewer of the workspace reads it, so values that are
 * secrets wherever they appear are replaced before it is stored. The keys are AWS's own names for them: temporary
 * credentials (STS), a Windows instance's password data and user data (EC2, often bootstrap secrets), Lambda's
 * environment variable values (their names are kept, as `inventory sync` keeps them by default).
 */
export const REDACTED = '***';

const SECRET_KEYS = new Set(['SecretAccessKey', 'SessionToken', 'PasswordData', 'UserData', 'Password']);

export function redactOutput(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactOutput(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.has(key) && v !== null && v !== undefined) out[key] = REDACTED;
    else if (key === 'Environment' && isRecord(v) && isRecord(v['Variables']))
      out[key] = { ...v, Variables: Object.fromEntries(Object.keys(v['Variables']).map((k) => [k, REDACTED])) };
    else out[key] = redactOutput(v, depth + 1);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The largest answer kept per target; a bigger one is stored as a marker saying how big it was. */
export const MAX_STORED_VALUE_BYTES = 256 * 1024;

/** The value as stored: redacted JSON, or `{ "truncated": true, "bytes": N }` past the limit. */
export function storedValue(value: unknown): string | null {
  if (value === undefined) return null;
  const json = JSON.stringify(redactOutput(value)) ?? null;
  if (json === null) return null;
  const bytes = Buffer.byteLength(json);
  return bytes > MAX_STORED_VALUE_BYTES ? JSON.stringify({ truncated: true, bytes }) : json;
}
