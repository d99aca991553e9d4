import { describe, expect, it } from 'vitest';
import { isCrossbarError } from '../../core/errors.js';
import { anyAnswer, normalizeServerUrl, ServerAnswerError, ServerClient, type Fetcher } from './server-client.js';

/** A server that answers one status and body, and remembers what it was asked. */
function fake(status: number, body: string): Fetcher & { seen: { url: string; init: RequestInit }[] } {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetcher = (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return Promise.resolve(new Response(body, { status }));
  };
  return Object.assign(fetcher, { seen });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('the server client', () => {
  it('sends the bearer token and JSON, and returns the checked answer', async () => {
    const fetcher = fake(200, '{"ok":true}');
    const client = new ServerClient('http://srv', { token: 'xbt_t', fetcher });
    expect(await client.post('/api/x', { a: 1 }, anyAnswer)).toEqual({ ok: true });
    const [call] = fetcher.seen;
    expect(call?.url).toBe('http://srv/api/x');
    expect(call?.init.headers).toMatchObject({ authorization: 'Bearer xbt_t', 'content-type': 'application/json' });
    expect(call?.init.body).toBe('{"a":1}');
  });

  it("keeps the server's code, message and hint; an unknown code is ERROR, with the code as sent", async () => {
    const body = '{"error":{"code":"FORBIDDEN","message":"bob may not","hint":"ask alice"}}';
    const err = await failure(new ServerClient('http://srv', { fetcher: fake(403, body) }).get('/api/x', anyAnswer));
    expect(err).toBeInstanceOf(ServerAnswerError);
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'bob may not', hint: 'ask alice', status: 403 });
    const odd = '{"error":{"code":"SOMETHING_NEW","message":"new"}}';
    const unknown = await failure(new ServerClient('http://srv', { fetcher: fake(418, odd) }).get('/api/x', anyAnswer));
    expect(unknown).toMatchObject({ code: 'ERROR', serverCode: 'SOMETHING_NEW', message: 'new' });
  });

  it('a refused token says to sign in again; the same 401 without a token is the server’s own message', async () => {
    const body = '{"error":{"code":"UNAUTHENTICATED","message":"the API token is not valid"}}';
    const withToken = await failure(
      new ServerClient('http://srv', { token: 'xbt_t', fetcher: fake(401, body) }).get('/api/x', anyAnswer),
    );
    expect(withToken).toMatchObject({
      message: 'the crossbar server at http://srv no longer accepts this sign-in (the API token is not valid)',
      hint: 'run `crossbar login --server http://srv`',
    });
    const anonymous = await failure(
      new ServerClient('http://srv', { fetcher: fake(401, body) }).get('/api/x', anyAnswer),
    );
    expect(anonymous).toMatchObject({ message: 'the API token is not valid' });
  });

  it('an answer that is not JSON, or JSON of another shape, is one line naming the URL', async () => {
    const html = await failure(
      new ServerClient('http://srv', { fetcher: fake(502, '<html>') }).get('/api/x', anyAnswer),
    );
    expect(isCrossbarError(html) && html.message).toBe(
      "http://srv/api/x answered HTTP 502 that is not a crossbar server's JSON",
    );
    const shape = await failure(
      new ServerClient('http://srv', { fetcher: fake(200, '{"a":1}') }).get('/api/x', () => {
        throw new Error('b: expected a string');
      }),
    );
    expect(isCrossbarError(shape) && shape.message).toBe(
      'the answer to GET http://srv/api/x is not what this crossbar expects (b: expected a string)',
    );
  });

  it('server URLs: scheme and host kept, a trailing slash dropped; anything else is a usage error', () => {
    expect(normalizeServerUrl('https://crossbar.example.com/')).toBe('https://crossbar.example.com');
    expect(normalizeServerUrl('http://127.0.0.1:7300')).toBe('http://127.0.0.1:7300');
    expect(() => normalizeServerUrl('crossbar.example.com')).toThrow("'crossbar.example.com' is not a server URL");
    expect(() => normalizeServerUrl('ftp://x')).toThrow("'ftp://x' is not an http(s) URL");
  });
});
