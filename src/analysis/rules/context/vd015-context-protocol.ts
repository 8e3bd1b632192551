import type { ContextClass, FunctionDef } from '../../model/types';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { AENTER_SOURCE, AEXIT_SOURCE, appendMethods, hasBaseClasses, mentionedInBody, type MethodSource } from './contextClass';

// When the worker awaits each protocol method, and what breaks when it cannot.
const PROTOCOL = {
  __aenter__: { when: 'at startup', effect: 'the worker fails to boot ("Lifecycle startup failed")' },
  __aexit__: { when: 'when it shuts down', effect: 'the context is never cleaned up and the shutdown fails' },
} as const;
type ProtocolMethod = keyof typeof PROTOCOL;

const missingWhy = (name: ProtocolMethod) =>
  `the worker awaits '${name}()' of every context ${PROTOCOL[name].when}, so ${PROTOCOL[name].effect}`;

export const contextProtocol: Rule = {
  id: 'VD015',
  name: 'context-protocol',
  severity: 'error',
  title: '@app.context classes must define `async def __aenter__` and `async def __aexit__`',
  docs: 'The worker awaits `__aenter__()` of every context at startup and `__aexit__()` at shutdown; a missing or plain `def` method breaks the worker.',
  check(ctx) {
    for (const context of ctx.model.contexts) {
      checkMissing(ctx, context);
      for (const [name, fn] of [['__aenter__', context.aenter], ['__aexit__', context.aexit]] as const) {
        if (fn && !fn.isAsync) reportNotAsync(ctx, context, name, fn);
      }
    }
  },
};

function checkMissing(ctx: RuleContext, context: ContextClass): void {
  const { text } = ctx.model;
  const cls = context.cls;
  // Methods may come from a base class, or be bound in a way we do not read (`__aenter__ = _enter`, an `if`).
  if (hasBaseClasses(text, cls)) return;
  const missing = (['__aenter__', '__aexit__'] as const).filter(
    (name) => !(name === '__aenter__' ? context.aenter : context.aexit) && !mentionedInBody(text, cls, name),
  );
  if (missing.length === 0) return;
  const sources: MethodSource[] = missing.map((name) => (name === '__aenter__' ? AENTER_SOURCE : AEXIT_SOURCE));
  const edit = appendMethods(text, cls, sources);
  const fixes: QuickFix[] = edit
    ? [{ title: `Add ${missing.map((m) => `'async def ${m}'`).join(' and ')} to '${cls.name}'`, edits: [edit], isPreferred: true }]
    : [];
  const getContext = `${context.deployment.variable?.name ?? 'app'}.get_context()`;
  const message =
    missing.length === 2
      ? `Context class '${cls.name}' defines neither '__aenter__' nor '__aexit__': ${missingWhy('__aenter__')}. ` +
        `Add 'async def __aenter__(self)' returning the object ${getContext} should give, and 'async def __aexit__(self, *exc)'.`
      : `Context class '${cls.name}' has no '${missing[0]}' method: ${missingWhy(missing[0])}. ` +
        (missing[0] === '__aenter__'
          ? `Add 'async def __aenter__(self)' that returns the object ${getContext} should give (usually self).`
          : `Add 'async def __aexit__(self, *exc)' (it may just 'pass').`);
  ctx.report({ range: cls.nameSpan.range, message, fixes });
}

function reportNotAsync(ctx: RuleContext, context: ContextClass, name: ProtocolMethod, fn: FunctionDef): void {
  const at = fn.defKeywordSpan.range.start;
  ctx.report({
    range: fn.nameSpan.range,
    message:
      `'${name}' of context class '${context.cls.name}' must be declared with 'async def': the worker awaits it ` +
      `${PROTOCOL[name].when}, and awaiting what a plain 'def' returns raises TypeError, so ${PROTOCOL[name].effect}.`,
    fixes: [{ title: `Make '${name}' async`, edits: [{ range: { start: at, end: at }, newText: 'async ' }], isPreferred: true }],
  });
}
