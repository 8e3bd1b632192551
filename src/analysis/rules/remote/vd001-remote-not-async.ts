import type { Rule } from '../rule';

export const remoteNotAsync: Rule = {
  id: 'VD001',
  name: 'remote-not-async',
  severity: 'error',
  title: '@remote functions must be `async def`',
  docs: 'The worker awaits every remote function; a plain `def` fails on the first call instead of at deploy time.',
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const fn = remote.fn;
      if (fn.isAsync) continue;
      ctx.report({
        range: fn.nameSpan.range,
        message: `Remote function '${fn.name}' must be declared with 'async def'.`,
        fixes: [
          {
            title: `Make '${fn.name}' async`,
            edits: [{ range: { start: fn.defKeywordSpan.range.start, end: fn.defKeywordSpan.range.start }, newText: 'async ' }],
            isPreferred: true,
          },
        ],
      });
    }
  },
};
