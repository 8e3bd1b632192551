import type { Rule } from '../rule';
import { argumentOf, stepsNamed } from './imageSteps';
import { plainQuote, definedHere } from './literals';
import { useRange } from '../../model/valueUse';

export const copySourceMissing: Rule = {
  id: 'VD027',
  name: 'copy-source-missing',
  severity: 'error',
  title: '`image.copy(src, dst)` needs both paths, and `src` must exist',
  docs:
    '`ensure_ready()` reads every `copy()` source when it builds the bundle, relative to the folder you run python ' +
    'from: a missing file or folder fails the deploy, and a missing `dst` raises TypeError.',
  check(ctx) {
    for (const { step } of stepsNamed(ctx.model, 'copy')) {
      const call = step.call;
      const src = argumentOf(call.args, 0, 'src');
      const dst = argumentOf(call.args, 1, 'dst');
      if ((!src || !dst) && !call.hasSplat) {
        const s = src?.value;
        // Offer the obvious destination only for a plain relative path that stays inside the project.
        const mirror =
          src?.position === 0 && s?.kind === 'str' && !s.via && plainQuote(s) && s.value && !s.value.startsWith('/') && !s.value.split(/[\\/]/).includes('..')
            ? s
            : undefined;
        ctx.report({
          range: { start: call.calleeSpan.range.start, end: call.range.end },
          message: src
            ? `copy() is missing dst, where the file lands on the worker (relative to /workspace, or absolute): the call raises TypeError. Write copy(${src.value.text}, "<path on the worker>").`
            : 'copy() needs src (a local file or folder) and dst (where it lands on the worker): the call raises TypeError.',
          fixes: mirror
            ? [{ title: `Copy to the same relative path (${mirror.text})`, edits: [{ range: { start: src!.range.end, end: src!.range.end }, newText: `, ${mirror.text}` }] }]
            : undefined,
        });
      }
      const v = src?.value;
      if (v?.kind !== 'str' || !v.value || /^~|\$/.test(v.value)) continue;
      if (ctx.pathExists(v.value) !== 'missing') continue;
      ctx.report({
        range: useRange(v),
        related: definedHere(v),
        message:
          `copy() source '${v.value}' does not exist (looked next to this file and in the workspace folders): ` +
          `ensure_ready() reads it when it builds the bundle, relative to the folder you run python from, so the deploy would fail.`,
      });
    }
  },
};
