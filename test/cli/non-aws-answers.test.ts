import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyEndpoint, type ProxyAnswer, type ProxyEndpoint } from '../helpers/proxy-endpoint.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Issue 9 item 22: answers that are not AWS's. An endpoint (a web server, a proxy) that answers an HTML page
 * made the SDK throw "SyntaxError: Unexpected token '<' … inspect the hidden field {error}.$response"; every
 * command now says "HTTP 500 from ENDPOINT, not an AWS response". `console` against an endpoint without the
 * federation service named role chaining; it now names the missing endpoint.
 */
const HTML_500: ProxyAnswer = {
  status: 500,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: '<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>',
};
const NOT_FOUND: ProxyAnswer = {
  status: 404,
  headers: { 'content-type': 'text/html' },
  body: '<html>Not Found</html>',
};

let w: World;
let html: ProxyEndpoint;
let trailHtml: ProxyEndpoint;
let noFederation: ProxyEndpoint;
let passThrough: ProxyEndpoint;
const via = (proxy: ProxyEndpoint) =>
  w.variant(`via-${proxy.url.replace(/\D/g, '')}`, (yaml) => yaml.replaceAll(w.sb.endpoint, proxy.url));

beforeAll(async () => {
  w = await startWorld();
  html = await startProxyEndpoint(w.sb.endpoint, () => HTML_500);
  trailHtml = await startProxyEndpoint(w.sb.endpoint, (r) =>
    String(r.headers['x-amz-target'] ?? '').includes('CloudTrail') ? HTML_500 : undefined,
  );
  noFederation = await startProxyEndpoint(w.sb.endpoint, (r) =>
    r.url.startsWith('/federation') ? NOT_FOUND : undefined,
  );
  passThrough = await startProxyEndpoint(w.sb.endpoint, () => undefined);
}, 60_000);
afterAll(async () => {
  await Promise.all([html, trailHtml, noFederation, passThrough].map((p) => p.close()));
  await w.stop();
});

describe('an endpoint that answers HTML', () => {
  it('audit trail says HTTP 500 from the endpoint, not an AWS response: one line and its hint, exit 1', async () => {
    const run = await w.cli(['audit', 'trail', 'production'], { CROSSBAR_CONFIG: via(html) });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe(`crossbar: HTTP 500 from ${html.url}, not an AWS response`);
    expect(run.stderr).toContain('It sent text/html.');
    expect(run.stderr).not.toMatch(/SyntaxError|\$response|Unknown|\n\s+at /);
  });

  it('so does every command (run, whoami)', async () => {
    for (const argv of [['run', 'production', '--', 'ec2', 'describe-vpcs'], ['whoami']]) {
      const run = await w.cli(argv, { CROSSBAR_CONFIG: via(html) });
      expect(run.code).toBe(1);
      expect(run.stderr.split('\n')[0]).toBe(`crossbar: HTTP 500 from ${html.url}, not an AWS response`);
    }
  });

  it('when only CloudTrail answers HTML, the targets are not covered and say why; run reports it per target', async () => {
    const cfg = via(trailHtml);
    const trail = await w.cli(['audit', 'trail', 'production', '--regions', 'us-east-1', '-o', 'json'], {
      CROSSBAR_CONFIG: cfg,
    });
    expect(trail.code).toBe(1);
    const report = JSON.parse(trail.stdout) as { notCovered: { message: string }[] };
    expect(report.notCovered.map((g) => g.message)).toEqual([`HTTP 500 from ${trailHtml.url}, not an AWS response`]);
    const run = await w.cli(
      ['run', 'production', '--regions', 'us-east-1', '-o', 'ndjson', '--', 'cloudtrail', 'lookup-events'],
      {
        CROSSBAR_CONFIG: cfg,
      },
    );
    expect(run.code).toBe(1);
    const line = JSON.parse(run.stdout.trim()) as { error: { code: string; message: string; awsCode?: string } };
    expect(line.error).toMatchObject({ code: 'ERROR', message: `HTTP 500 from ${trailHtml.url}, not an AWS response` });
    expect(line.error.awsCode).toBeUndefined();
    expect(run.stdout + run.stderr).not.toContain('SyntaxError');
  });

  it('its twin: through a proxy that passes everything on, audit trail reads production', async () => {
    const run = await w.cli(['audit', 'trail', 'production', '--regions', 'us-east-1', '-o', 'json'], {
      CROSSBAR_CONFIG: via(passThrough),
    });
    expect(run.stderr).not.toContain('not an AWS response');
    expect(run.code).toBe(0);
  });
});

describe('console against an endpoint without federation', () => {
  it('names the missing federation endpoint (HTTP 404), not role chaining', async () => {
    const run = await w.cli(['console', 'production', '--print'], { CROSSBAR_CONFIG: via(noFederation) });
    expect(run.code).toBe(1);
    const host = new URL(noFederation.url).host;
    expect(run.stderr.split('\n')[0]).toBe(
      `crossbar: The federation endpoint ${host} answered HTTP 404: it has no console sign-in`,
    );
    expect(run.stderr).toContain('does not implement AWS federation');
    expect(run.stderr).not.toMatch(/chain/i);
  });

  it('its twin: with federation behind the same proxy, console prints a sign-in URL', async () => {
    const run = await w.cli(['console', 'production', '--print'], { CROSSBAR_CONFIG: via(passThrough) });
    expect(run.stderr).not.toContain('HTTP 404');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SigninToken=');
  });
});
