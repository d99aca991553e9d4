import { CrossbarError, type ErrorCode } from '../../core/errors.js';

/**
 * The CLI's client of a crossbar team server (`crossbar serve`): JSON over fetch, a bearer API token when signed
 * in. Every failure is one CrossbarError: the server's own `{ error: { code, message, hint } }` keeps its code (so
 * the exit status follows it), a server that does not answer names its URL, and a token the server no longer
 * accepts says to sign in again.
 */
export type Fetcher = (input: string, init: RequestInit) => Promise<Response>;

/** Checks an answer's shape and returns it typed (throws on a mismatch): a zod schema's `parse`, or by hand. */
export type Parse<T> = (value: unknown) => T;

export interface ServerClientOptions {
  token?: string | undefined;
  /** A browser-style session (cookie + CSRF token): only between `crossbar login --setup` and its API token. */
  session?: { cookie: string; csrf: string } | undefined;
  /** Aborts the request (Ctrl-C); a request also gives up after `timeoutMs`. */
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  fetcher?: Fetcher | undefined;
}

/** The codes the server answers with (src/server/http-error.ts); anything else is reported as ERROR. */
const SERVER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'USAGE',
  'INVALID',
  'CONFIG_INVALID',
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_ROLE',
  'UNKNOWN_USER',
  'UNKNOWN_SHORTCUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'MFA_REQUIRED',
  'MFA_INVALID',
  'DENIED',
  'FORBIDDEN',
  'CSRF',
  'ROLE_ASSUME_DENIED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'THROTTLED',
  'LOCKED',
  'CREDENTIALS_EXPIRED',
  'ENDPOINT_UNREACHABLE',
  'NOT_AWS',
  'TIMEOUT',
  'CONFIRM_REQUIRED',
]);

/** An error the server answered with, as it sent it: status, code, message, hint. */
export class ServerAnswerError extends CrossbarError {
  readonly status: number;
  /** The code exactly as the server sent it (a code this CLI does not know is `code: 'ERROR'` here). */
  readonly serverCode: string;
  constructor(status: number, serverCode: string, message: string, hint: string | undefined) {
    super(
      SERVER_CODES.has(serverCode as ErrorCode) ? (serverCode as ErrorCode) : 'ERROR',
      message,
      hint ? { hint } : {},
    );
    this.status = status;
    this.serverCode = serverCode;
  }
}

export function isServerAnswer(err: unknown, code?: string): err is ServerAnswerError {
  return err instanceof ServerAnswerError && (code === undefined || err.serverCode === code);
}

/** `https://host:port` without a trailing slash or path, or a usage error naming what is wrong. */
export function normalizeServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CrossbarError('USAGE', `'${text}' is not a server URL`, {
      hint: 'crossbar login --server https://crossbar.example.com (or the http://127.0.0.1:7300 `crossbar serve` prints)',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CrossbarError('USAGE', `'${text}' is not an http(s) URL`, { hint: 'crossbar login --server https://…' });
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** ECONNREFUSED, ENOTFOUND, `timed out`: the system's word for it, else the innermost cause's message. */
function networkCode(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR')) return code;
    if (current.name === 'TimeoutError') return 'timed out';
    message = current.message;
    current = current.cause;
  }
  return message;
}

function errorOf(parsed: unknown): { code: string; message: string; hint?: string } | undefined {
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return undefined;
  const error = parsed.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : undefined;
  const hint = 'hint' in error && typeof error.hint === 'string' ? error.hint : undefined;
  if (!code || !message) return undefined;
  return hint ? { code, message, hint } : { code, message };
}

export class ServerClient {
  readonly url: string;
  readonly #options: ServerClientOptions;

  constructor(url: string, options: ServerClientOptions = {}) {
    this.url = url;
    this.#options = options;
  }

  get signedIn(): boolean {
    return this.#options.token !== undefined;
  }

  /** The same server with another token (or none). */
  withToken(token: string | undefined): ServerClient {
    return new ServerClient(this.url, { ...this.#options, token });
  }

  /**
   * POSTs a sign-in (`/api/setup`, `/api/session`) and returns the answer and a client that carries the session's
   * cookie and CSRF token, for the one call that makes the CLI its API token.
   */
  async startSession<T extends { csrf_token: string }>(
    path: string,
    body: unknown,
    parse: Parse<T>,
  ): Promise<{ answer: T; client: ServerClient }> {
    let cookie: string | undefined;
    const answer = await this.request('POST', path, parse, body, (headers) => {
      cookie = headers.get('set-cookie')?.split(';')[0];
    });
    if (!cookie)
      throw new CrossbarError('ERROR', `${this.url}${path} signed in without a session cookie`, {
        hint: 'the server and this CLI may be different versions',
      });
    return {
      answer,
      client: new ServerClient(this.url, { ...this.#options, session: { cookie, csrf: answer.csrf_token } }),
    };
  }

  async request<T>(
    method: string,
    path: string,
    parse: Parse<T>,
    body?: unknown,
    onHeaders?: (headers: Headers) => void,
  ): Promise<T> {
    const { token, session, signal, timeoutMs = 30_000, fetcher = fetch } = this.#options;
    const all: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) all['content-type'] = 'application/json';
    if (token !== undefined) all['authorization'] = `Bearer ${token}`;
    if (session) {
      all['cookie'] = session.cookie;
      if (method !== 'GET') all['x-csrf-token'] = session.csrf;
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const init: RequestInit = { method, headers: all, signal: signal ? AbortSignal.any([signal, timeout]) : timeout };
    if (body !== undefined) init.body = JSON.stringify(body);
    let response: Response;
    let text: string;
    try {
      response = await fetcher(`${this.url}${path}`, init);
      text = await response.text();
    } catch (err) {
      throw this.#unreachable(err);
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CrossbarError(
        'ERROR',
        `${this.url}${path} answered HTTP ${response.status} that is not a crossbar server's JSON`,
        { hint: 'check the --server URL: it should be where `crossbar serve` listens' },
      );
    }
    onHeaders?.(response.headers);
    if (response.ok) return checked(parse, parsed, `${method} ${this.url}${path}`);
    throw this.#answerError(response.status, parsed, path);
  }

  /**
   * GETs an answer that is not one JSON document (a trail export: jsonl or csv), as text a chunk at a time as it
   * arrives. The timeout covers the wait for the answer to start, not its length; an error answer is reported as
   * `request` reports it; a body cut short (the server failed halfway) throws rather than ending early.
   */
  async *stream(path: string): AsyncGenerator<string> {
    const { token, signal, timeoutMs = 30_000, fetcher = fetch } = this.#options;
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const start = new AbortController();
    const timer = setTimeout(() => start.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
    let response: Response;
    try {
      response = await fetcher(`${this.url}${path}`, {
        method: 'GET',
        headers,
        signal: signal ? AbortSignal.any([signal, start.signal]) : start.signal,
      });
    } catch (err) {
      throw this.#unreachable(err);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      throw this.#answerError(response.status, parsed, path);
    }
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) yield decoder.decode(chunk, { stream: true });
    } catch (err) {
      if (signal?.aborted) throw new CrossbarError('INTERRUPTED', 'interrupted', { cause: err });
      throw new CrossbarError('ERROR', `the answer of ${this.url}${path} was cut short (${networkCode(err)})`, {
        hint: 'the server failed halfway (its log says why): try again',
        cause: err,
      });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }

  #unreachable(err: unknown): CrossbarError {
    if (this.#options.signal?.aborted) return new CrossbarError('INTERRUPTED', 'interrupted', { cause: err });
    return new CrossbarError(
      'ENDPOINT_UNREACHABLE',
      `the crossbar server at ${this.url} does not answer (${networkCode(err)})`,
      { hint: 'check that `crossbar serve` runs there and the URL is right', cause: err },
    );
  }

  /** The error an answer with a failure status stands for: the server's own code, message and hint. */
  #answerError(status: number, parsed: unknown, path: string): CrossbarError {
    const { token } = this.#options;
    const error = errorOf(parsed);
    if (!error)
      return new CrossbarError('ERROR', `${this.url}${path} answered HTTP ${status} without an error`, {
        hint: 'check the --server URL',
      });
    if (error.code === 'UNAUTHENTICATED' && token !== undefined && status === 401)
      return new ServerAnswerError(
        status,
        error.code,
        `the crossbar server at ${this.url} no longer accepts this sign-in (${error.message})`,
        `run \`crossbar login --server ${this.url}\``,
      );
    return new ServerAnswerError(status, error.code, error.message, error.hint);
  }

  get<T>(path: string, parse: Parse<T>): Promise<T> {
    return this.request('GET', path, parse);
  }
  post<T>(path: string, body: unknown, parse: Parse<T>): Promise<T> {
    return this.request('POST', path, parse, body);
  }
  put<T>(path: string, body: unknown, parse: Parse<T>): Promise<T> {
    return this.request('PUT', path, parse, body);
  }
  delete<T>(path: string, parse: Parse<T>): Promise<T> {
    return this.request('DELETE', path, parse);
  }
}

function checked<T>(parse: Parse<T>, value: unknown, what: string): T {
  try {
    return parse(value);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CrossbarError('ERROR', `the answer to ${what} is not what this crossbar expects (${detail})`, {
      hint: 'the server and this CLI may be different versions: update the older one',
      cause: err,
    });
  }
}

/** For answers whose content does not matter (`{ ok: true }`). */
export const anyAnswer: Parse<unknown> = (value) => value;
