import type { z } from 'zod';
import { CrossbarError } from '../core/errors.js';
import type { AppContext } from './app-env.js';

/** The largest request body the API reads; anything bigger is a 413 before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request's JSON body, validated by `schema`: malformed JSON, a wrong type or a missing field is a 400 that
 * names the field ("body.accounts: expected array"); an oversized body is a 413. Never a stack.
 */
export async function readJson<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooLarge();
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new CrossbarError('INVALID', 'the request body is not valid JSON', {
      hint: 'send a JSON object with Content-Type: application/json',
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map(
        (issue) =>
          `body${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
      );
    throw new CrossbarError('INVALID', `the request body is not valid: ${problems.join('; ')}`, {
      hint: 'see the API description in docs/SERVER.md',
    });
  }
  return parsed.data as z.infer<S>;
}

function tooLarge(): CrossbarError {
  return new CrossbarError('PAYLOAD_TOO_LARGE', `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB`, {
    hint: 'send less at once',
  });
}
