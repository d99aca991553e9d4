/**
 * `terraform fmt` lines up the `=` of consecutive one-line attributes at the same indent; any other line (a
 * blank, a comment, a block's brace, an attribute whose value opens a bracket and goes on below) ends the run.
 * The Terraform renderer leaves the padding to this, so what it writes passes `terraform fmt -check` whatever
 * the lengths of the names it makes up (module inputs per role, per access level).
 */
const ATTRIBUTE = /^( *)([A-Za-z_][\w-]*) *= (.*[^{[(])$/;

interface Attribute {
  indent: string;
  name: string;
  value: string;
}

export function alignAttributes(lines: readonly string[]): string[] {
  const out: string[] = [];
  let run: Attribute[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((a) => a.name.length));
    for (const a of run) out.push(`${a.indent}${a.name.padEnd(width)} = ${a.value}`);
    run = [];
  };
  for (const line of lines) {
    const match = ATTRIBUTE.exec(line);
    const attribute = match ? { indent: match[1] ?? '', name: match[2] ?? '', value: match[3] ?? '' } : undefined;
    if (!attribute || run[0]?.indent !== attribute.indent) flush();
    if (attribute) run.push(attribute);
    else out.push(line);
  }
  flush();
  return out;
}
