import { CrossbarError } from '../../core/errors.js';
import { findOperation, resolveRef } from '../model/service-model.js';
import type { OperationModel, ServiceModel, StructureShape } from '../model/shapes.js';

export function requireOperation(model: ServiceModel, operationName: string): OperationModel {
  const operation = findOperation(model, operationName);
  if (operation === undefined) {
    throw new CrossbarError('SANDBOX', `${model.metadata.serviceId} has no operation ${operationName}`, {
      hint: 'Operation names are as in the botocore model, such as AssumeRole or DescribeInstances',
    });
  }
  return operation;
}

/** The operation's output structure, or undefined when the operation returns nothing but metadata. */
export function outputStructure(model: ServiceModel, operation: OperationModel): StructureShape | undefined {
  if (operation.output === undefined) return undefined;
  const { shape } = resolveRef(model, operation.output);
  if (shape.type !== 'structure') {
    throw new CrossbarError('SANDBOX', `The output of ${operation.name} is a ${shape.type}, not a structure`, {
      hint: 'Re-vendor the model from botocore',
    });
  }
  return shape;
}
