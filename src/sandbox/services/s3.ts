import type { ServiceImpl } from '../service.js';

// Placeholder until the service lands; an empty operation table answers every call as an unknown operation.
export const s3Service: ServiceImpl = { signingName: 's3', modelName: 's3', actionPrefix: 's3', operations: {} };
