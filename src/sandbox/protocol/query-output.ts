import type { ServiceModel } from '../model/shapes.js';
import { outputStructure, requireOperation } from './operation-shapes.js';
import type { SerializeOptions } from './wire-values.js';
import { escapeXml, writeStructureMembers, XML_DECLARATION, type XmlWriteContext } from './xml-shape-writer.js';

/**
 * The XML body of a successful response for the `query` protocol (STS, IAM, RDS…):
 *   <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
 *     <AssumeRoleResult>…members…</AssumeRoleResult>
 *     <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
 *   </AssumeRoleResponse>
 * and for the `ec2` protocol, which has no Result wrapper and a lower-case `requestId` first:
 *   <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
 *     <requestId>…</requestId><reservationSet>…</reservationSet>
 *   </DescribeInstancesResponse>
 */
export function serializeQueryOutput(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  requestId: string,
  options: SerializeOptions = {},
): string {
  const operation = requireOperation(model, operationName);
  const ctx: XmlWriteContext = { ...options, model };
  const shape = outputStructure(model, operation);
  const members = shape === undefined ? '' : writeStructureMembers(ctx, shape, output ?? {}, '');
  const root = `${operation.name}Response`;
  if (model.metadata.protocol === 'ec2') {
    // EC2 actions without an output shape (DeleteTags, CreateTags…) answer `<return>true</return>`.
    const body = shape === undefined ? '<return>true</return>' : members;
    return `${XML_DECLARATION}<${root} xmlns="${escapeXml(ec2Namespace(model))}"><requestId>${escapeXml(requestId)}</requestId>${body}</${root}>`;
  }
  const wrapper = operation.output?.resultWrapper;
  const result = shape === undefined ? '' : wrapper === undefined ? members : `<${wrapper}>${members}</${wrapper}>`;
  const metadata = `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>`;
  return `<${root} xmlns="${escapeXml(model.metadata.xmlNamespace ?? '')}">${result}${metadata}</${root}>`;
}

/** AWS sends `http://ec2.amazonaws.com/doc/2016-11-15/`, with the trailing slash the model lacks. */
function ec2Namespace(model: ServiceModel): string {
  const ns = model.metadata.xmlNamespace ?? `http://ec2.amazonaws.com/doc/${model.metadata.apiVersion}`;
  return ns.endsWith('/') ? ns : `${ns}/`;
}
