import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxyEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * An endpoint in front of another (the sandbox) that answers some requests itself, as a web server or a proxy
 * would, and passes the rest through unchanged, Host header included, so SigV4 signatures still verify.
 */
export async function startProxyEndpoint(
  target: string,
  intercept: (request: { method: string; url: string; headers: IncomingHttpHeaders }) => ProxyAnswer | undefined,
): Promise<ProxyEndpoint> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const own = intercept({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    if (own) {
      req.resume();
      res.writeHead(own.status, own.headers);
      res.end(own.body);
      return;
    }
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The proxy is not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
