import type { ServiceImpl } from '../service.js';

// Placeholder until the service lands; an empty operation table answers every call as an unknown operation.
export const ec2Service: ServiceImpl = { signingName: 'ec2', modelName: 'ec2', actionPrefix: 'ec2', operations: {} };
