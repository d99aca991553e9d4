/**
 * Types for the botocore service models vendored in `src/sandbox/models` (the `service-2.json` files that
 * Python's botocore ships). Only the parts the wire layer needs are typed; documentation, validation
 * constraints (min/max/pattern) and endpoint rules are dropped when the model is parsed.
 */

export type Protocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml';

export type TimestampFormat = 'iso8601' | 'unixTimestamp' | 'rfc822';

export interface XmlNamespace {
  uri: string;
  prefix?: string | undefined;
}

/**
 * Traits that change how a value is written on the wire. They appear both on shapes and on the
 * references to them (structure members, list members, map keys and values); a reference's traits win,
 * exactly as botocore merges them (`ShapeResolver.resolve_shape_ref`).
 */
export interface SerializationTraits {
  /** Element name (XML), JSON key, header name or query parameter name, depending on protocol and location. */
  locationName?: string | undefined;
  /** EC2 only: the request parameter name, which wins over `locationName`. */
  queryName?: string | undefined;
  flattened?: boolean | undefined;
  /** `header`, `headers`, `querystring`, `uri` or `statusCode` for the REST protocols; absent for the body. */
  location?: string | undefined;
  timestampFormat?: TimestampFormat | undefined;
  xmlAttribute?: boolean | undefined;
  xmlNamespace?: XmlNamespace | undefined;
  /** A header holding base64-encoded JSON (rest-json). */
  jsonvalue?: boolean | undefined;
}

export interface ShapeRef extends SerializationTraits {
  shape: string;
}

export interface OutputRef extends ShapeRef {
  /** Query protocol: the `<OpResult>` element wrapping the output members. */
  resultWrapper?: string | undefined;
}

export interface ErrorTrait {
  /** The wire code when it differs from the shape name (IAM `NoSuchEntityException` is sent as `NoSuchEntity`). */
  code?: string | undefined;
  httpStatusCode?: number | undefined;
  senderFault?: boolean | undefined;
}

interface ShapeBase extends SerializationTraits {
  error?: ErrorTrait | undefined;
  exception?: boolean | undefined;
}

export interface StructureShape extends ShapeBase {
  type: 'structure';
  members: Record<string, ShapeRef>;
  required: string[];
  /** REST protocols: the member that is the whole body. */
  payload?: string | undefined;
}

export interface ListShape extends ShapeBase {
  type: 'list';
  member: ShapeRef;
}

export interface MapShape extends ShapeBase {
  type: 'map';
  key: ShapeRef;
  value: ShapeRef;
}

export const SCALAR_TYPES = ['string', 'integer', 'long', 'boolean', 'timestamp', 'blob', 'double', 'float'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export interface ScalarShape extends ShapeBase {
  type: ScalarType;
}

export type Shape = StructureShape | ListShape | MapShape | ScalarShape;

export interface HttpBinding {
  method: string;
  requestUri: string;
  responseCode?: number | undefined;
}

export interface OperationModel {
  name: string;
  http: HttpBinding;
  input?: ShapeRef | undefined;
  output?: OutputRef | undefined;
  errors: ShapeRef[];
}

export interface ServiceMetadata {
  protocol: Protocol;
  /** All protocols the service speaks, newest clients may prefer another than `protocol`. */
  protocols: string[];
  apiVersion: string;
  endpointPrefix: string;
  serviceId: string;
  signingName?: string | undefined;
  /** JSON protocol: `X-Amz-Target` is `<targetPrefix>.<Operation>`. */
  targetPrefix?: string | undefined;
  /** JSON protocol: the content type is `application/x-amz-json-<jsonVersion>`. */
  jsonVersion?: string | undefined;
  /** Query and EC2 protocols: the namespace of the response root element. */
  xmlNamespace?: string | undefined;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** A shape as seen through one reference: the shape, its name, and the merged serialization traits. */
export interface ResolvedShape {
  name: string;
  shape: Shape;
  traits: SerializationTraits;
}
