import { ApiError } from '../../api.js';

/** Anything thrown by a call, as the ApiError that ErrorLine shows (the server's own words when it answered). */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err));
}
