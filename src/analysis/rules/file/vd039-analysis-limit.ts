import { MAX_EVALUATION_DEPTH } from '../../model/values';
import type { Rule } from '../rule';

export const analysisLimit: Rule = {
  id: 'VD039',
  name: 'analysis-limit',
  severity: 'error',
  title: 'Files Python cannot compile (brackets nested over 200 deep, NUL bytes) or over 512 KB are not analyzed, nor expressions nested over 200 deep',
  docs: 'Such a file gets no other check, so that the analyzer stays fast on any file; Python itself would refuse the first two before deploying anything. An expression nested more than 200 levels deep (a long operator chain such as `1 + 1 + ...`, calls or subscripts inside each other) is not evaluated: its value and the names in it are not checked.',
  check(ctx) {
    for (const span of ctx.model.tooDeep) {
      ctx.report({
        range: span.range,
        message: `This expression is nested more than ${MAX_EVALUATION_DEPTH} levels deep (operators, calls or subscripts inside each other): it is too deep for the Vast analyzer, which does not evaluate it, so its value and the names in it are not checked.`,
        severity: 'warning',
      });
    }
    const limit = ctx.model.notAnalyzed;
    if (!limit) return;
    // Too large is our limit, not Python's: the file may well run, so it is not an error.
    ctx.report({ range: limit.span.range, message: limit.message, severity: limit.reason === 'size' ? 'information' : 'error' });
  },
};
