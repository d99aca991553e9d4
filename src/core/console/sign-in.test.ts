import { describe, expect, it } from 'vitest';
import { signInToConsole, type FetchLike, type SignInOptions } from './sign-in.js';

const CREDS = {
  accessKeyId: 'ASIAEXAMPLEKEY',
  secretAccessKey: 'secret-key-do-not-leak',
  sessionToken: 'session-token-do-not-leak',
};

/** A fake federation endpoint that records the URLs it was asked for. */
function fakeFetch(
  answer: { status: number; body: string } | Error = { status: 200, body: '{"SigninToken":"tok+en/1"}' },
) {
  const urls: URL[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(new URL(url));
    if (answer instanceof Error) throw answer;
    return { status: answer.status, text: async () => answer.body };
  };
  return { fetch, urls };
}

function options(fetch: FetchLike, extra: Partial<SignInOptions> = {}): SignInOptions {
  return { credentials: CREDS, target: 'production:CrossbarReadOnly', region: 'us-east-1', fetch, ...extra };
}

describe('signInToConsole', () => {
  it('asks getSigninToken for the longest session and builds the login URL', async () => {
    const { fetch, urls } = fakeFetch();
    const url = new URL(await signInToConsole(options(fetch, { service: 'ec2', issuer: 'https://crossbar.example' })));
    const [request] = urls;
    expect(request?.origin + (request?.pathname ?? '')).toBe('https://us-east-1.signin.aws.amazon.com/federation');
    expect(request?.searchParams.get('Action')).toBe('getSigninToken');
    expect(request?.searchParams.get('SessionDuration')).toBe('43200');
    expect(JSON.parse(request?.searchParams.get('Session') ?? '')).toEqual({
      sessionId: CREDS.accessKeyId,
      sessionKey: CREDS.secretAccessKey,
      sessionToken: CREDS.sessionToken,
    });
    expect(url.origin + url.pathname).toBe('https://us-east-1.signin.aws.amazon.com/federation');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'login',
      Issuer: 'https://crossbar.example',
      Destination: 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1',
      SigninToken: 'tok+en/1',
    });
  });

  it('omits SessionDuration for credentials from role chaining, which AWS refuses', async () => {
    const { fetch, urls } = fakeFetch();
    await signInToConsole(options(fetch, { chained: true, sessionDuration: 3600 }));
    expect(urls[0]?.searchParams.has('SessionDuration')).toBe(false);
  });

  it('passes a chosen duration and refuses one out of range', async () => {
    const { fetch, urls } = fakeFetch();
    await signInToConsole(options(fetch, { sessionDuration: 3600 }));
    expect(urls[0]?.searchParams.get('SessionDuration')).toBe('3600');
    await expect(signInToConsole(options(fetch, { sessionDuration: 50_000 }))).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('uses the partition hosts and a configured endpoint', async () => {
    const gov = fakeFetch();
    const url = await signInToConsole(options(gov.fetch, { region: 'us-gov-west-1' }));
    expect(gov.urls[0]?.host).toBe('signin.amazonaws-us-gov.com');
    expect(url.startsWith('https://signin.amazonaws-us-gov.com/federation?Action=login&')).toBe(true);
    const sandbox = fakeFetch();
    await signInToConsole(options(sandbox.fetch, { endpoint: 'http://127.0.0.1:4566' }));
    expect(sandbox.urls[0]?.origin).toBe('http://127.0.0.1:4566');
  });

  it('refuses long-term keys: the console needs a role session', async () => {
    const { fetch, urls } = fakeFetch();
    await expect(
      signInToConsole(options(fetch, { credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } })),
    ).rejects.toMatchObject({ code: 'CREDENTIALS_MISSING' });
    expect(urls).toHaveLength(0);
  });

  it('names the target and host when refused, and never repeats the secrets', async () => {
    const { fetch } = fakeFetch({
      status: 400,
      body: `<html><body><p>Bad session ${CREDS.sessionToken} / ${CREDS.secretAccessKey}</p></body></html>`,
    });
    const err = await signInToConsole(options(fetch)).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'DENIED',
      message: expect.stringMatching(
        /^The sign-in endpoint us-east-1\.signin\.aws\.amazon\.com refused the session of production:CrossbarReadOnly \(HTTP 400\): Bad session \*\*\* \/ \*\*\*$/,
      ),
    });
    expect(JSON.stringify(err) + String(err)).not.toMatch(/do-not-leak/);
  });

  it('reports expired credentials and an unreachable endpoint with their own codes', async () => {
    const expired = fakeFetch({ status: 400, body: 'The credentials in the Session parameter have expired.' });
    await expect(signInToConsole(options(expired.fetch))).rejects.toMatchObject({ code: 'CREDENTIALS_EXPIRED' });
    const down = fakeFetch(new TypeError('fetch failed'));
    await expect(signInToConsole(options(down.fetch, { endpoint: 'http://127.0.0.1:1' }))).rejects.toMatchObject({
      code: 'ENDPOINT_UNREACHABLE',
      message: 'The sign-in endpoint 127.0.0.1:1 did not answer for production:CrossbarReadOnly',
    });
  });

  it('reports an answer without a token', async () => {
    const { fetch } = fakeFetch({ status: 200, body: '<html>captive portal</html>' });
    await expect(signInToConsole(options(fetch))).rejects.toMatchObject({
      code: 'ERROR',
      message: expect.stringContaining('without a SigninToken'),
    });
  });
});
