import { isRecord } from '../model/is-record.js';
import { resolveRef } from '../model/service-model.js';
import type { ServiceModel, StructureShape } from '../model/shapes.js';
import { outputStructure, requireOperation } from './operation-shapes.js';
import { wrongValue, type SerializeOptions } from './wire-values.js';
import {
  escapeXml,
  reportUnknownKeys,
  writeElement,
  writeStructureMembers,
  XML_DECLARATION,
  type XmlWriteContext,
} from './xml-shape-writer.js';

/**
 * Root element names of S3 outputs. The Smithy model names them with `@xmlName`, which botocore's JSON
 * drops; AWS sends these names, the SDK's own schemas carry them (`ListBucketsOutput` has
 * `xmlName: "ListAllMyBucketsResult"`), and neither parser checks them. Taken from
 * `@aws-sdk/client-s3` 3.1173.
 */
const S3_ROOT_ELEMENTS: Readonly<Record<string, string>> = {
  CompleteMultipartUploadOutput: 'CompleteMultipartUploadResult',
  CreateMultipartUploadOutput: 'InitiateMultipartUploadResult',
  CreateSessionOutput: 'CreateSessionResult',
  DeleteObjectsOutput: 'DeleteResult',
  GetBucketAccelerateConfigurationOutput: 'AccelerateConfiguration',
  GetBucketAclOutput: 'AccessControlPolicy',
  GetBucketCorsOutput: 'CORSConfiguration',
  GetBucketLifecycleConfigurationOutput: 'LifecycleConfiguration',
  GetBucketLocationOutput: 'LocationConstraint',
  GetBucketLoggingOutput: 'BucketLoggingStatus',
  GetBucketRequestPaymentOutput: 'RequestPaymentConfiguration',
  GetBucketTaggingOutput: 'Tagging',
  GetBucketVersioningOutput: 'VersioningConfiguration',
  GetBucketWebsiteOutput: 'WebsiteConfiguration',
  GetObjectAclOutput: 'AccessControlPolicy',
  GetObjectAttributesOutput: 'GetObjectAttributesResponse',
  GetObjectTaggingOutput: 'Tagging',
  ListBucketAnalyticsConfigurationsOutput: 'ListBucketAnalyticsConfigurationResult',
  ListBucketInventoryConfigurationsOutput: 'ListInventoryConfigurationsResult',
  ListBucketMetricsConfigurationsOutput: 'ListMetricsConfigurationsResult',
  ListBucketsOutput: 'ListAllMyBucketsResult',
  ListDirectoryBucketsOutput: 'ListAllMyDirectoryBucketsResult',
  ListMultipartUploadsOutput: 'ListMultipartUploadsResult',
  ListObjectsOutput: 'ListBucketResult',
  ListObjectsV2Output: 'ListBucketResult',
  ListObjectVersionsOutput: 'ListVersionsResult',
  ListPartsOutput: 'ListPartsResult',
};

/**
 * The XML body of a successful `rest-xml` response (S3, Route 53, CloudFront):
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">…</ListAllMyBucketsResult>
 * Only body members are written (see `outputEnvelope` for headers). A structure `payload` member is the
 * root element itself; operations without a body (or with a raw blob payload) give ''.
 */
export function serializeRestXmlOutput(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  options: SerializeOptions = {},
): string {
  const operation = requireOperation(model, operationName);
  const shape = outputStructure(model, operation);
  if (shape === undefined || operation.output === undefined) return '';
  const ctx: XmlWriteContext = { ...options, model };
  const value = output ?? {};
  if (shape.payload !== undefined) return payloadDocument(ctx, shape, shape.payload, value);
  if (!hasBodyMembers(shape)) return '';
  const root = S3_ROOT_ELEMENTS[operation.output.shape] ?? shape.locationName ?? operation.output.shape;
  // GetBucketLocation is S3's one output whose value is the root element's own text, which is all botocore reads.
  if (operation.output.shape === 'GetBucketLocationOutput' && isRecord(value)) {
    const text = typeof value['LocationConstraint'] === 'string' ? escapeXml(value['LocationConstraint']) : '';
    return `${XML_DECLARATION}<${root} xmlns="${escapeXml(serviceXmlNamespace(model) ?? '')}">${text}</${root}>`;
  }
  const ns = shape.xmlNamespace?.uri ?? serviceXmlNamespace(model);
  const xmlns = ns === undefined ? '' : ` xmlns="${escapeXml(ns)}"`;
  return `${XML_DECLARATION}<${root}${xmlns}>${writeStructureMembers(ctx, shape, value, '')}</${root}>`;
}

function payloadDocument(ctx: XmlWriteContext, shape: StructureShape, payloadName: string, value: unknown): string {
  if (!isRecord(value)) return wrongValue('', 'an object', value);
  reportUnknownKeys(ctx, shape, value, '');
  const ref = shape.members[payloadName];
  const payloadValue = value[payloadName];
  if (ref === undefined || payloadValue === undefined || payloadValue === null) return '';
  const resolved = resolveRef(ctx.model, ref);
  if (resolved.shape.type !== 'structure') return ''; // raw payloads are sent as they are by encodeOutput
  // The root element is named after the payload's shape (or its locationName), in the service namespace.
  const root = resolved.traits.locationName ?? resolved.name;
  const uri = serviceXmlNamespace(ctx.model);
  const xmlNamespace = resolved.traits.xmlNamespace ?? (uri === undefined ? undefined : { uri });
  return (
    XML_DECLARATION +
    writeElement(ctx, root, { ...resolved, traits: { ...resolved.traits, xmlNamespace } }, payloadValue, payloadName)
  );
}

function hasBodyMembers(shape: StructureShape): boolean {
  return Object.values(shape.members).some((ref) => ref.location === undefined);
}

const namespaces = new WeakMap<ServiceModel, string | undefined>();

/**
 * rest-xml models carry no service-wide namespace in their metadata; the request payloads do
 * (`CreateBucketConfiguration` has `xmlNamespace: { uri: "http://s3.amazonaws.com/doc/2006-03-01/" }`),
 * and responses use the same one.
 */
function serviceXmlNamespace(model: ServiceModel): string | undefined {
  if (model.metadata.xmlNamespace !== undefined) return model.metadata.xmlNamespace;
  if (!namespaces.has(model)) {
    const input = Object.values(model.operations).find((op) => op.input?.xmlNamespace !== undefined)?.input;
    namespaces.set(model, input?.xmlNamespace?.uri);
  }
  return namespaces.get(model);
}
