import { describe, expect, it } from 'vitest';
import { parseStartFlags, type StartFlags } from './sandbox-start.js';
import { resolveEndpoint } from './sandbox-mfa-code.js';

const base: StartFlags = { port: '4566', host: '127.0.0.1', org: 'demo' };

describe('parseStartFlags', () => {
  it('turns the flags into sandbox options, resolving paths against the working folder', () => {
    expect(
      parseStartFlags(
        {
          ...base,
          port: '0',
          org: 'generated:50',
          latency: '20',
          jitter: '5',
          errorRate: '0.1',
          throttle: '10',
          writeConfig: 'sb',
          state: 'state.json',
          seed: 'demo',
        },
        '/work',
      ),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      org: 'generated:50',
      faults: { latencyMs: 20, jitterMs: 5, errorRate: 0.1, throttleRps: 10 },
      writeConfig: '/work/sb',
      statePath: '/work/state.json',
      seed: 'demo',
    });
    expect(parseStartFlags(base, '/work')).toEqual({ port: 4566, host: '127.0.0.1', org: 'demo', faults: {} });
  });

  it.each([
    [{ port: 'x' }, /--port must be a port from 0 to 65535/],
    [{ port: '70000' }, /--port must be/],
    [{ port: '1.5' }, /--port must be/],
    [{ org: 'huge' }, /unknown organization 'huge'/],
    [{ org: 'generated:0' }, /unknown organization/],
    [{ org: 'generated:5001' }, /unknown organization/],
    [{ latency: '-5' }, /--latency must be milliseconds, 0 or more \(got '-5'\)/],
    [{ jitter: 'abc' }, /--jitter must be/],
    [{ errorRate: '1.5' }, /--error-rate must be a probability from 0 to 1/],
    [{ errorRate: '-0.1' }, /--error-rate must be/],
    [{ throttle: '0' }, /--throttle must be requests per second, more than 0/],
    [{ seed: ' ' }, /--seed is empty/],
  ])('rejects %o as a usage error (exit 2)', (flags, message) => {
    expect(() => parseStartFlags({ ...base, ...flags }, '/work')).toThrow(message);
    try {
      parseStartFlags({ ...base, ...flags }, '/work');
    } catch (err) {
      expect(err).toMatchObject({ code: 'USAGE' });
    }
  });
});

describe('resolveEndpoint', () => {
  it('takes the flag, else CROSSBAR_ENDPOINT, else the default port', () => {
    expect(resolveEndpoint('http://127.0.0.1:9000/', {})).toBe('http://127.0.0.1:9000');
    expect(resolveEndpoint(undefined, { CROSSBAR_ENDPOINT: 'http://127.0.0.1:7000' })).toBe('http://127.0.0.1:7000');
    expect(resolveEndpoint(undefined, { CROSSBAR_ENDPOINT: '' })).toBe('http://127.0.0.1:4566');
  });

  it('rejects what is not an http URL', () => {
    expect(() => resolveEndpoint('not a url', {})).toThrow(/is not a URL/);
    expect(() => resolveEndpoint('ftp://x', {})).toThrow(/not an http/);
  });
});
