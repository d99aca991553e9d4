import { createRequire } from 'node:module';

/**
 * The HCL's structure is read with hcl2-parser (HashiCorp's own hcl/v2 parser compiled to JavaScript, MIT), which
 * needs no Terraform; generated-clean.test.ts runs terraform fmt and validate themselves where they are installed.
 * It answers `[object, error]`; the object is HCL's JSON form (blocks as arrays of bodies).
 */
type Parse = (text: string) => unknown;

function parser(): Parse {
  const mod: unknown = createRequire(import.meta.url)('hcl2-parser');
  const parse = typeof mod === 'object' && mod !== null && 'parseToObject' in mod ? mod.parseToObject : undefined;
  if (typeof parse !== 'function') throw new Error('hcl2-parser has no parseToObject');
  return (text) => parse(text) as unknown;
}

export type Hcl = Record<string, unknown>;

export function parseHcl(text: string): Hcl {
  const answer = parser()(text);
  if (!Array.isArray(answer)) throw new Error('hcl2-parser answered no [object, error] pair');
  const [value, error] = answer as unknown[];
  if (error) throw new Error(`HCL does not parse: ${JSON.stringify(error)}`);
  if (typeof value !== 'object' || value === null) throw new Error('HCL parsed to nothing');
  return value as Hcl;
}

/** `block["aws_iam_role"]["readonly"][0]`-style access with a clear failure when a level is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(key in current))
      throw new Error(`no ${path.join('.')} (stopped at ${String(key)})`);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
