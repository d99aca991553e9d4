import type { ResolvedOperation } from './find-operation.js';
import { inputShapeOf, shapeOf, type Shape } from './validate-input.js';

/** One top-level input member of an operation, as a form or a list shows it. */
export interface OperationParameter {
  name: string;
  /** `string`, `number`, `boolean`, `timestamp`, `blob`, `document`, `structure`, `list<string>`, `map<…>`. */
  type: string;
  required: boolean;
}

/** How deep `list<list<…>>` is spelled out before it reads `…`: the models nest a few levels at most. */
const TYPE_DEPTH = 3;

function typeName(shape: Shape, depth = 0): string {
  if (shape.kind === 'list' || shape.kind === 'map') {
    const inner = depth >= TYPE_DEPTH ? '…' : typeName(shapeOf(shape.value), depth + 1);
    return `${shape.kind}<${inner}>`;
  }
  return shape.kind;
}

/**
 * The operation's input parameters from the same static schema `validateInput` checks a run's parameters against
 * (the required ones first, as the model orders them), or an empty list for an operation that takes none.
 */
export function operationParameters(operation: ResolvedOperation): OperationParameter[] {
  const members = inputShapeOf(operation)?.members;
  if (!members) return [];
  return members.names.map((name, i) => ({
    name,
    type: typeName(shapeOf(members.refs[i])),
    required: i < members.required,
  }));
}
