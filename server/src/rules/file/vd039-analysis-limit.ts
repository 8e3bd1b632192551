import type { Rule } from '../rule';

export const analysisLimit: Rule = {
  id: 'VD039',
  name: 'analysis-limit',
  severity: 'error',
  title: 'Files Python cannot compile (brackets nested over 200 deep, NUL bytes) or over 512 KB are not analyzed',
  docs: 'Such a file gets no other check, so that the analyzer stays fast on any file; Python itself would refuse the first two before deploying anything.',
  check(ctx) {
    const limit = ctx.model.notAnalyzed;
    if (!limit) return;
    // Too large is our limit, not Python's: the file may well run, so it is not an error.
    ctx.report({ range: limit.span.range, message: limit.message, severity: limit.reason === 'size' ? 'information' : 'error' });
  },
};
