import type { z } from 'zod';
import type { Parse } from './server-client.js';

/** A zod schema as the client's `Parse`: a mismatch names each field and what was wrong with it. */
export function parseWith<T>(schema: z.ZodType<T>): Parse<T> {
  return (value) => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new Error(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'the answer'}: ${issue.message}`).join('; '),
    );
  };
}
