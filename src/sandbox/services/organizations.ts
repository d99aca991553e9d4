import type { ServiceImpl } from '../service.js';

// Placeholder until the service lands; an empty operation table answers every call as an unknown operation.
export const organizationsService: ServiceImpl = { signingName: 'organizations', modelName: 'organizations', actionPrefix: 'organizations', operations: {} };
