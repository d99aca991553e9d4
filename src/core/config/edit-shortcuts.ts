import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { CrossbarError } from '../errors.js';
import { formatProblem, parseConfig } from './load-config.js';

/**
 * `shortcut add` and `shortcut remove` edit crossbar.yaml as a person would: the document is edited in place
 * (comments, order and layout of everything else kept), and the result must pass the same validation as any
 * crossbar.yaml before the caller writes it. Pure: text in, text out.
 */
export interface ShortcutEntry {
  name: string;
  account: string;
  role?: string | undefined;
  region?: string | undefined;
}

function validated(text: string, file: string): string {
  const parsed = parseConfig(text, file);
  if (!parsed.config)
    throw new CrossbarError('CONFIG_INVALID', parsed.problems.map(formatProblem).join('\n'), {
      hint: `nothing was written to ${file}`,
    });
  return text;
}

export function addShortcut(text: string, file: string, entry: ShortcutEntry): string {
  const before = parseConfig(text, file);
  if (!before.config)
    throw new CrossbarError('CONFIG_INVALID', before.problems.map(formatProblem).join('\n'), {
      hint: `fix ${file} first: nothing was written`,
    });
  if (before.config.shortcuts.some((s) => s.name === entry.name))
    throw new CrossbarError('USAGE', `shortcut ${entry.name} already exists in ${file}`, {
      hint: `remove it first: crossbar shortcut remove ${entry.name}`,
    });
  const doc = parseDocument(text);
  const value = {
    name: entry.name,
    account: entry.account,
    ...(entry.role ? { role: entry.role } : {}),
    ...(entry.region ? { region: entry.region } : {}),
  };
  const node = doc.createNode(value);
  node.flow = true;
  const existing = doc.get('shortcuts', true);
  if (isSeq(existing)) existing.items.push(node);
  else {
    const seq = new YAMLSeq();
    seq.items.push(node);
    if (!isMap(doc.contents)) throw new CrossbarError('CONFIG_INVALID', `${file} is not a YAML mapping`);
    doc.set('shortcuts', seq);
  }
  return validated(doc.toString({ lineWidth: 0 }), file);
}

export function removeShortcut(text: string, file: string, name: string): string {
  const doc = parseDocument(text);
  const seq = doc.get('shortcuts', true);
  const index = isSeq(seq) ? seq.items.findIndex((item) => isMap(item) && item.get('name') === name) : -1;
  if (!isSeq(seq) || index < 0) {
    const known = isSeq(seq) ? seq.items.flatMap((i) => (isMap(i) ? [String(i.get('name'))] : [])) : [];
    throw new CrossbarError('UNKNOWN_SHORTCUT', `no shortcut ${name} in ${file}`, {
      hint: known.length > 0 ? `its shortcuts: ${known.join(', ')}` : 'it has no shortcuts',
    });
  }
  seq.items.splice(index, 1);
  return validated(doc.toString({ lineWidth: 0 }), file);
}
