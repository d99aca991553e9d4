import { z } from 'zod';
import { parseWith } from './parse-with.js';

/** The server's answers to sign-in, tokens and device login (docs/SERVER.md), as the CLI reads them. */
const User = z.object({ username: z.string(), display_name: z.string().optional(), server_role: z.string() });

export const parseStatus = parseWith(z.object({ setup_done: z.boolean() }));

export const parseSession = parseWith(z.object({ user: User, via: z.string() }));

export const parseSignedIn = parseWith(z.object({ user: User, csrf_token: z.string() }));

export const parseNewToken = parseWith(z.object({ id: z.string(), token: z.string(), expires_at: z.string() }));

export const parseTokens = parseWith(
  z.object({ tokens: z.array(z.object({ id: z.string(), prefix: z.string(), revoked_at: z.string().nullable() })) }),
);

export const parseDeviceStart = parseWith(
  z.object({
    device_code: z.string(),
    user_code: z.string(),
    verification_uri: z.string(),
    verification_uri_complete: z.string(),
    expires_in: z.number(),
    interval: z.number(),
  }),
);

export const parseDeviceToken = parseWith(
  z.object({ id: z.string(), token: z.string(), expires_at: z.string(), username: z.string() }),
);
