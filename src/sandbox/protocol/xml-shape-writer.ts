import { isRecord } from '../model/is-record.js';
import { resolveRef } from '../model/service-model.js';
import type { ResolvedShape, ServiceModel, ShapeRef, StructureShape, XmlNamespace } from '../model/shapes.js';
import { joinPath, scalarText, wrongValue, type SerializeOptions } from './wire-values.js';

/**
 * Shape-driven XML writing shared by the query, ec2 and rest-xml protocols. The rules are the ones
 * botocore's `BaseXMLResponseParser` reads with, so whatever it and the SDK's `XmlShapeDeserializer`
 * expect is what comes out:
 * - a structure member is the element named by its `locationName`, else the member name;
 * - a list is a wrapper element holding one element per item, named by the list member's
 *   `locationName`, else `member` (EC2 models say `item`); a flattened list has no wrapper, its items
 *   repeat the member's element name (or the list member's `locationName` when it has one);
 * - a map is `<entry><key/><value/></entry>` per pair (flattened: no wrapper, no `entry`), with the key and
 *   value elements renamed by their `locationName`;
 * - members that are bound to HTTP headers, the status code or the URI (`location`) are not in the body.
 */
export interface XmlWriteContext extends SerializeOptions {
  model: ServiceModel;
}

/** EC2 and S3 start their documents with it; the query services (STS, IAM) do not. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

export function xmlnsAttribute(ns: XmlNamespace | undefined): string {
  if (ns === undefined) return '';
  return ns.prefix === undefined ? ` xmlns="${escapeXml(ns.uri)}"` : ` xmlns:${ns.prefix}="${escapeXml(ns.uri)}"`;
}

/** The child elements for the body members of a structure value, in model order. */
export function writeStructureMembers(
  ctx: XmlWriteContext,
  shape: StructureShape,
  value: unknown,
  path: string,
): string {
  return structureParts(ctx, shape, value, path).children;
}

/** One element named `name` holding `value` as the resolved shape says. */
export function writeElement(
  ctx: XmlWriteContext,
  name: string,
  resolved: ResolvedShape,
  value: unknown,
  path: string,
): string {
  const { shape, traits } = resolved;
  switch (shape.type) {
    case 'structure': {
      const { attributes, children } = structureParts(ctx, shape, value, path);
      return `<${name}${xmlnsAttribute(traits.xmlNamespace)}${attributes}>${children}</${name}>`;
    }
    case 'list': {
      if (!Array.isArray(value)) return wrongValue(path, 'an array', value);
      const member = resolveRef(ctx.model, shape.member);
      if (traits.flattened === true)
        return value.map((item, i) => writeElement(ctx, name, member, item, joinPath(path, i))).join('');
      const itemName = member.traits.locationName ?? 'member';
      return `<${name}>${value.map((item, i) => writeElement(ctx, itemName, member, item, joinPath(path, i))).join('')}</${name}>`;
    }
    case 'map': {
      if (!isRecord(value)) return wrongValue(path, 'an object', value);
      const key = resolveRef(ctx.model, shape.key);
      const val = resolveRef(ctx.model, shape.value);
      const pairs = Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(
          ([k, v]) =>
            writeElement(ctx, key.traits.locationName ?? 'key', key, k, joinPath(path, k)) +
            writeElement(ctx, val.traits.locationName ?? 'value', val, v, joinPath(path, k)),
        );
      if (traits.flattened === true) return pairs.map((pair) => `<${name}>${pair}</${name}>`).join('');
      return `<${name}>${pairs.map((pair) => `<entry>${pair}</entry>`).join('')}</${name}>`;
    }
    default:
      return `<${name}${xmlnsAttribute(traits.xmlNamespace)}>${escapeXml(scalarText(shape.type, value, path, traits.timestampFormat ?? 'iso8601'))}</${name}>`;
  }
}

/**
 * The element name of a structure member, after botocore's `_member_key_name`: a flattened list whose
 * member has a `locationName` repeats that name; otherwise the member's `locationName`, else its name.
 */
export function memberElementName(ctx: XmlWriteContext, memberName: string, resolved: ResolvedShape): string {
  if (resolved.shape.type === 'list' && resolved.traits.flattened === true) {
    const itemName = resolveRef(ctx.model, resolved.shape.member).traits.locationName;
    if (itemName !== undefined) return itemName;
  }
  return resolved.traits.locationName ?? memberName;
}

function structureParts(
  ctx: XmlWriteContext,
  shape: StructureShape,
  value: unknown,
  path: string,
): { attributes: string; children: string } {
  if (!isRecord(value)) return wrongValue(path, 'an object', value);
  reportUnknownKeys(ctx, shape, value, path);
  let attributes = '';
  let children = '';
  for (const [memberName, ref] of Object.entries(shape.members)) {
    const memberValue = value[memberName];
    if (memberValue === undefined || memberValue === null || isHttpBound(ref)) continue;
    const resolved = resolveRef(ctx.model, ref);
    const memberPath = joinPath(path, memberName);
    if (
      resolved.traits.xmlAttribute === true &&
      resolved.shape.type !== 'structure' &&
      resolved.shape.type !== 'list' &&
      resolved.shape.type !== 'map'
    ) {
      const text = scalarText(
        resolved.shape.type,
        memberValue,
        memberPath,
        resolved.traits.timestampFormat ?? 'iso8601',
      );
      attributes += ` ${resolved.traits.locationName ?? memberName}="${escapeXml(text)}"`;
    } else {
      children += writeElement(ctx, memberElementName(ctx, memberName, resolved), resolved, memberValue, memberPath);
    }
  }
  return { attributes, children };
}

/** Members carried in the HTTP envelope (headers, status code, URI, query string) rather than the body. */
export function isHttpBound(ref: ShapeRef): boolean {
  return ref.location !== undefined;
}

export function reportUnknownKeys(
  ctx: SerializeOptions,
  shape: StructureShape,
  value: Record<string, unknown>,
  path: string,
): void {
  if (ctx.onUnknownKey === undefined) return;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(shape.members, key)) ctx.onUnknownKey(joinPath(path, key));
  }
}
