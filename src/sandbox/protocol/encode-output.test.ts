import { describe, expect, it } from 'vitest';
import { parseServiceModel } from '../model/parse-service-model.js';
import { loadServiceModel } from '../model/service-model.js';
import { contentTypeFor, encodeOutput } from './encode-output.js';

/** A rest-json service written for the test: header, status-code and payload bindings. */
const restJson = parseServiceModel(
  {
    metadata: { protocol: 'rest-json', apiVersion: '2020-01-01', endpointPrefix: 'demo', serviceId: 'Demo' },
    operations: {
      GetThing: {
        name: 'GetThing',
        http: { method: 'GET', requestUri: '/things/{Id}' },
        output: { shape: 'GetThingOutput' },
      },
      CreateThing: {
        name: 'CreateThing',
        http: { method: 'POST', requestUri: '/things', responseCode: 201 },
        output: { shape: 'CreateThingOutput' },
      },
      GetPolicy: {
        name: 'GetPolicy',
        http: { method: 'GET', requestUri: '/policy' },
        output: { shape: 'GetPolicyOutput' },
      },
      DeleteThing: { name: 'DeleteThing', http: { method: 'DELETE', requestUri: '/things/{Id}', responseCode: 204 } },
    },
    shapes: {
      GetThingOutput: {
        type: 'structure',
        members: {
          Name: { shape: 'Str', locationName: 'name' },
          Updated: { shape: 'Time' },
          ETag: { shape: 'Str', location: 'header', locationName: 'ETag' },
          Modified: { shape: 'Time', location: 'header', locationName: 'Last-Modified' },
          Meta: { shape: 'StrMap', location: 'headers', locationName: 'x-demo-meta-' },
          Status: { shape: 'Int', location: 'statusCode' },
        },
      },
      CreateThingOutput: { type: 'structure', members: { Thing: { shape: 'Thing' } }, payload: 'Thing' },
      Thing: { type: 'structure', members: { Id: { shape: 'Str' } } },
      GetPolicyOutput: {
        type: 'structure',
        members: {
          Policy: { shape: 'Str' },
          ContentType: { shape: 'Str', location: 'header', locationName: 'Content-Type' },
        },
        payload: 'Policy',
      },
      StrMap: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
      Str: { type: 'string' },
      Int: { type: 'integer' },
      Time: { type: 'timestamp' },
    },
  },
  'demo',
);

describe('contentTypeFor', () => {
  it.each([
    ['sts', 'text/xml'],
    ['ec2', 'text/xml;charset=UTF-8'],
    ['organizations', 'application/x-amz-json-1.1'],
    ['s3', 'application/xml'],
  ])('%s answers %s', (service, contentType) => {
    expect(contentTypeFor(loadServiceModel(service))).toBe(contentType);
  });

  it('rest-json answers application/json', () => {
    expect(contentTypeFor(restJson)).toBe('application/json');
  });
});

describe('encodeOutput', () => {
  it('puts the request id where each protocol family keeps it', () => {
    expect(encodeOutput(loadServiceModel('sts'), 'GetCallerIdentity', {}, 'rid').headers).toEqual({
      'Content-Type': 'text/xml',
      'x-amzn-RequestId': 'rid',
    });
    const s3 = encodeOutput(loadServiceModel('s3'), 'ListBuckets', {}, 'rid').headers;
    expect(s3['x-amz-request-id']).toBe('rid');
    expect(s3['x-amz-id-2']).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it('rest-json: header members, prefixed header maps and the status code leave the body', () => {
    const output = {
      Name: 'n',
      Updated: new Date('2026-01-02T03:04:05Z'),
      ETag: '"abc"',
      Modified: new Date('2026-01-02T03:04:05Z'),
      Meta: { owner: 'me' },
      Status: 203,
    };
    const answer = encodeOutput(restJson, 'GetThing', output, 'rid');
    expect(answer.status).toBe(203);
    expect(JSON.parse(answer.body)).toEqual({ name: 'n', Updated: 1767323045 });
    expect(answer.headers).toMatchObject({
      ETag: '"abc"',
      'Last-Modified': 'Fri, 02 Jan 2026 03:04:05 GMT',
      'x-demo-meta-owner': 'me',
      'Content-Type': 'application/json',
    });
  });

  it('rest-json: the modelled response code, a structure payload, and 204 without a body', () => {
    const created = encodeOutput(restJson, 'CreateThing', { Thing: { Id: 't-1' } }, 'rid');
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body)).toEqual({ Id: 't-1' });
    expect(encodeOutput(restJson, 'DeleteThing', undefined, 'rid')).toMatchObject({ status: 204, body: '' });
  });

  it('rest-json: a string payload is the raw body and its Content-Type header replaces the default', () => {
    const answer = encodeOutput(
      restJson,
      'GetPolicy',
      { Policy: '{"Version":"2012-10-17"}', ContentType: 'text/plain' },
      'rid',
    );
    expect(answer.body).toBe('{"Version":"2012-10-17"}');
    expect(answer.headers['Content-Type']).toBe('text/plain');
    expect(Object.keys(answer.headers).filter((h) => h.toLowerCase() === 'content-type')).toHaveLength(1);
  });

  it('refuses binary payloads instead of corrupting them', () => {
    expect(() => encodeOutput(restJson, 'GetPolicy', { Policy: new Uint8Array([1, 2]) }, 'rid')).toThrow(
      /binary payload/,
    );
  });

  it('passes onUnknownKey through to every serializer', () => {
    const seen: string[] = [];
    const onUnknownKey = (path: string) => seen.push(path);
    encodeOutput(loadServiceModel('sts'), 'GetCallerIdentity', { Nope: 1 }, 'r', { onUnknownKey });
    encodeOutput(loadServiceModel('organizations'), 'ListAccounts', { Nope: 2 }, 'r', { onUnknownKey });
    encodeOutput(loadServiceModel('s3'), 'ListBuckets', { Nope: 3 }, 'r', { onUnknownKey });
    encodeOutput(restJson, 'CreateThing', { Thing: { Id: 'x' }, Nope: 4 }, 'r', { onUnknownKey });
    expect(seen).toEqual(['Nope', 'Nope', 'Nope', 'Nope']);
  });
});
