/** now() and duration(): the pieces Argo's rangeQuery start/end expressions are made of. */
import { Fault } from './errors.js';
import { signature, stringArg, type FunctionSpec } from './function-spec.js';
import { parseGoDuration } from './go-duration.js';
import { ExprDuration, ExprTime } from './values.js';

export const TIME_BUILTINS: FunctionSpec[] = [
  {
    name: 'now',
    arity: [0, 0],
    style: 'builtin',
    type: () => 'time',
    call: (_args, ctx) => {
      // Evaluation is pure: the time comes from the caller's Clock, never from Date.now().
      if (ctx.nowMs === undefined) throw new Fault('now() is not available here: no clock was given to this evaluation');
      return new ExprTime(ctx.nowMs);
    },
  },
  {
    name: 'duration',
    arity: [1, 1],
    style: 'builtin',
    type: signature('duration', ['string'], 'duration'),
    call: (args) => {
      const parsed = parseGoDuration(stringArg(args[0]!, 'duration'));
      if (!parsed.ok) throw new Fault(parsed.message);
      return new ExprDuration(parsed.nanoseconds);
    },
  },
];
