import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { EncodedResponse } from '../../src/sandbox/protocol/encode-output.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeEndpoint {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  url: string;
  requests: RecordedRequest[];
  /** Sets the answer to every following request. */
  answer(response: EncodedResponse | ((request: RecordedRequest) => EncodedResponse)): void;
  close(): Promise<void>;
}

/**
 * A bare HTTP endpoint on 127.0.0.1 that records requests and answers with whatever the wire layer
 * produced, so tests can hand our bytes to the real SDK clients and let their deserializers judge them.
 * Test support only: it checks no signatures and routes nothing.
 */
export async function startFakeEndpoint(): Promise<FakeEndpoint> {
  const requests: RecordedRequest[] = [];
  let respond: (request: RecordedRequest) => EncodedResponse = () => ({
    status: 500,
    headers: {},
    body: 'no answer set',
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const { status, headers, body } = respond(request);
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The fake endpoint is not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    answer(response) {
      respond = typeof response === 'function' ? response : () => response;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
