import { describe, expect, it } from 'vitest';
import { isCrossbarError } from '../../core/errors.js';
import { parseServiceModel } from './parse-service-model.js';
import { findModelFile, findOperation, loadServiceModel, operationNames, resolveRef } from './service-model.js';

describe('loadServiceModel', () => {
  it.each([
    ['sts', 'query'],
    ['iam', 'query'],
    ['ec2', 'ec2'],
    ['organizations', 'json'],
    ['ce', 'json'],
    ['cloudtrail', 'json'],
    ['s3', 'rest-xml'],
  ])('loads %s with protocol %s', (service, protocol) => {
    const model = loadServiceModel(service);
    expect(model.metadata.protocol).toBe(protocol);
    expect(operationNames(model).length).toBeGreaterThan(0);
  });

  it('parses the traits the wire layer needs', () => {
    const sts = loadServiceModel('sts');
    expect(sts.metadata.xmlNamespace).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
    expect(findOperation(sts, 'AssumeRole')?.output).toEqual({
      shape: 'AssumeRoleResponse',
      resultWrapper: 'AssumeRoleResult',
    });
    const iam = loadServiceModel('iam');
    expect(iam.shapes.NoSuchEntityException).toMatchObject({
      error: { code: 'NoSuchEntity', httpStatusCode: 404, senderFault: true },
      exception: true,
    });
    const org = loadServiceModel('organizations');
    expect(org.metadata).toMatchObject({ jsonVersion: '1.1', targetPrefix: 'AWSOrganizationsV20161128' });
    const s3 = loadServiceModel('s3');
    expect(s3.shapes.ObjectList).toMatchObject({ type: 'list', flattened: true });
  });

  it('caches: the second load returns the same object', () => {
    expect(loadServiceModel('sts')).toBe(loadServiceModel('sts'));
  });

  it('refuses names that could walk the file system, and unknown services', () => {
    expect(() => loadServiceModel('../models/sts')).toThrow(/not a service model name/);
    try {
      loadServiceModel('nosuchservice');
      expect.unreachable();
    } catch (err) {
      expect(isCrossbarError(err) && err.code).toBe('SANDBOX');
      expect(isCrossbarError(err) && err.hint).toMatch(/nosuchservice\.json\.gz/);
    }
  });
});

describe('findModelFile', () => {
  it('falls back to the source tree when running from dist/sandbox/model', () => {
    const distModule = new URL('../../../dist/sandbox/model/service-model.js', import.meta.url);
    expect(findModelFile('sts.json.gz', undefined, distModule)).toMatch(/src\/sandbox\/models\/sts\.json\.gz$/);
    expect(findModelFile('nope.json.gz', undefined, distModule)).toBeUndefined();
  });
});

describe('findOperation', () => {
  it('finds operations by name and not inherited properties', () => {
    const sts = loadServiceModel('sts');
    expect(findOperation(sts, 'GetCallerIdentity')?.name).toBe('GetCallerIdentity');
    expect(findOperation(sts, 'toString')).toBeUndefined();
    expect(findOperation(sts, 'NoSuchAction')).toBeUndefined();
  });
});

describe('resolveRef', () => {
  it('merges the reference traits over the shape traits', () => {
    const ec2 = loadServiceModel('ec2');
    const tags = resolveRef(ec2, { shape: 'TagList', locationName: 'tagSet' });
    expect(tags.shape.type).toBe('list');
    expect(tags.traits.locationName).toBe('tagSet');
    const objects = resolveRef(loadServiceModel('s3'), { shape: 'ObjectList' });
    expect(objects.traits.flattened).toBe(true);
  });

  it('fails on a dangling shape name', () => {
    expect(() => resolveRef(loadServiceModel('sts'), { shape: 'Nope' })).toThrow(/Shape Nope/);
  });
});

describe('parseServiceModel', () => {
  const minimal = {
    metadata: { protocol: 'json', apiVersion: '1', endpointPrefix: 'x', serviceId: 'X' },
    operations: { Op: { name: 'Op', http: { method: 'POST', requestUri: '/' } } },
    shapes: { S: { type: 'string' } },
  };

  it('accepts a minimal model', () => {
    expect(parseServiceModel(minimal, 'x').metadata.protocols).toEqual(['json']);
  });

  it('names the bad field of a malformed model', () => {
    expect(() => parseServiceModel({ ...minimal, shapes: { S: { type: 'tuple' } } }, 'x')).toThrow(
      /x\.shapes\.S\.type: unknown shape type "tuple"/,
    );
    expect(() =>
      parseServiceModel({ ...minimal, metadata: { ...minimal.metadata, protocol: 'smithy-rpc-v2-cbor' } }, 'x'),
    ).toThrow(/unsupported protocol/);
    expect(() => parseServiceModel({ ...minimal, shapes: { S: { type: 'list', member: { shape: 1 } } } }, 'x')).toThrow(
      /x\.shapes\.S\.member\.shape: expected a string/,
    );
  });
});
