import type { Outcome } from '../cli/exit-codes.js';
import type { Io } from '../cli/io.js';
import type { Invocation } from '../cli/program.js';
import { UsageError } from '../util/errors.js';

export default async function retry(_inv: Invocation, _io: Io): Promise<Outcome> {
  throw new UsageError('canary retry is not implemented yet', { hint: 'this verb arrives with a later release; canary lint works today' });
}
