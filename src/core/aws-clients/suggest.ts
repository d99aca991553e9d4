// The suggestions are shared by all of core; this module keeps the aws-clients import path.
export { didYouMean, nearestNames, normalizeName } from '../suggest.js';
