import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { TrailSource } from './trail-source.js';

/** The trail of the team server this CLI is signed in to (`crossbar login`). */
export function openServerTrailSource(_ctx: CliContext): Promise<TrailSource> {
  return Promise.reject(
    new CrossbarError('USAGE', 'crossbar trail reads the team server once `crossbar login` has landed', {
      hint: 'read a database directly with --db team.db (or postgres://…)',
    }),
  );
}
