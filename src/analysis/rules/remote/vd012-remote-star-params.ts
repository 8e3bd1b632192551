import type { Rule } from '../rule';

export const remoteStarParams: Rule = {
  id: 'VD012',
  name: 'remote-star-params',
  severity: 'error',
  title: 'Remote functions cannot take `*args` or `**kwargs`',
  docs: 'The SDK binds each call to the signature and sends every parameter by name; the worker passes them back as keyword arguments, which *args cannot receive and **kwargs receives nested.',
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const fn = remote.fn;
      for (const p of fn.params) {
        if (p.kind === 'var-positional') {
          ctx.report({
            range: p.range,
            message:
              `Remote function '${fn.name}' cannot take '*${p.name}': the SDK binds each call to the signature and ` +
              `sends every parameter by name, so the extra positional values travel as one keyword '${p.name}', and the ` +
              `worker's call ${fn.name}(${p.name}=...) raises TypeError on every request (even with no extra values, ` +
              `since the empty tuple is sent too). Use a named list parameter instead.`,
          });
        } else if (p.kind === 'var-keyword') {
          ctx.report({
            range: p.range,
            message:
              `Remote function '${fn.name}' should not take '**${p.name}': the SDK sends the extra keyword arguments ` +
              `as one value named '${p.name}', so on the worker '${p.name}' arrives nested ({'${p.name}': {...}}) ` +
              `instead of holding the keywords the caller passed. Use a named dict parameter instead.`,
          });
        }
      }
    }
  },
};
