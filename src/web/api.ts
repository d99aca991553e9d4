/**
 * The one way the web UI talks to the server: JSON over fetch, same origin, the session cookie sent by the browser
 * and the session's CSRF token on every state-changing request. Errors arrive as ApiError with the server's code,
 * message and hint (docs/SERVER.md: `{ error: { code, message, hint } }`), shown to the user as they are.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Remembered from sign-in, setup and GET /api/session; forgotten at sign-out. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? undefined;
}

const SAFE = new Set(['GET', 'HEAD']);

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(
      0,
      'UNREACHABLE',
      'the crossbar server does not answer',
      'check that `crossbar serve` is running',
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; hint?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${method} ${path} answered ${response.status}`,
      error?.hint,
    );
  }
  const csrf = (parsed as { csrf_token?: unknown } | undefined)?.csrf_token;
  if (typeof csrf === 'string') csrfToken = csrf;
  return parsed as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body?: unknown): Promise<T> => api<T>('PUT', path, body ?? {});
export const patch = <T>(path: string, body?: unknown): Promise<T> => api<T>('PATCH', path, body ?? {});
export const del = <T>(path: string): Promise<T> => api<T>('DELETE', path);

/** A path segment, encoded. */
export const seg = (value: string): string => encodeURIComponent(value);
