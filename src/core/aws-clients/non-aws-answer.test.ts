import { describe, expect, it } from 'vitest';
import { nonAwsAnswer, nonAwsAnswerMiddleware } from './non-aws-answer.js';

const withResponse = (err: Error, status: number, contentType: string): Error => {
  Object.defineProperty(err, '$response', { value: { statusCode: status, headers: { 'content-type': contentType } } });
  return err;
};

describe('nonAwsAnswer', () => {
  it('recognizes the SDK failing to parse an HTML page (SyntaxError, or a service error named Unknown)', () => {
    const syntax = withResponse(Object.assign(new SyntaxError("Unexpected token '<'"), {}), 500, 'text/html');
    expect(nonAwsAnswer(syntax)).toEqual({ status: 500, contentType: 'text/html' });
    const unknown = withResponse(Object.assign(new Error('Unknown'), { name: 'Unknown' }), 502, 'text/html');
    expect(nonAwsAnswer(unknown)).toEqual({ status: 502, contentType: 'text/html' });
  });

  it("its twin: AWS's own errors, and errors without an HTTP answer, are left alone", () => {
    const denied = withResponse(Object.assign(new Error('no'), { name: 'AccessDenied' }), 403, 'text/xml');
    expect(nonAwsAnswer(denied)).toBeUndefined();
    expect(nonAwsAnswer(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(nonAwsAnswer(new SyntaxError('no response attached'))).toBeUndefined();
  });

  it('the middleware names the endpoint the request went to', async () => {
    const failing = () => Promise.reject(withResponse(new SyntaxError("Unexpected token '<'"), 500, 'text/html'));
    const handler = nonAwsAnswerMiddleware(failing, {});
    await expect(handler({ request: { protocol: 'http:', hostname: '127.0.0.1', port: 8080 } })).rejects.toMatchObject({
      code: 'NOT_AWS',
      message: 'HTTP 500 from http://127.0.0.1:8080, not an AWS response',
    });
  });
});
