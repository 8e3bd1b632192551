import { checkPipRequirement } from '../../util/pep508';
import type { Rule } from '../rule';
import { checkPackageList } from './imageSteps';

/** A name (with extras), then a lone `=` or a reversed `=>`/`=<`. */
const WRONG_OPERATOR = /^([^=<>!~]*[A-Za-z0-9\]]\s*)=([<>]?)(?![=<>])/;

/** `numpy=1.26` → `numpy==1.26`, `torch=>2.0` → `torch>=2.0`. */
function repairOperator(s: string): string | undefined {
  const m = WRONG_OPERATOR.exec(s);
  if (!m) return undefined;
  return m[1] + (m[2] ? `${m[2]}=` : '==') + s.slice(m[0].length);
}

export const pipRequirementInvalid: Rule = {
  id: 'VD024',
  name: 'pip-requirement-invalid',
  severity: 'error',
  title: 'Every `pip_install(...)` argument must be one valid pip requirement',
  docs:
    'The worker passes each argument to `uv pip install` at startup: an invalid requirement fails the install and ' +
    'the worker never becomes ready, long after the deploy succeeded.',
  check(ctx) {
    checkPackageList(ctx, {
      method: 'pip_install',
      what: 'pip requirement',
      consequence: 'The worker installs it with `uv pip install` at startup, so its boot would fail.',
      check: (s) => {
        const r = checkPipRequirement(s);
        return r.ok ? { ok: true } : { ok: false, message: r.message };
      },
      repair: repairOperator,
    });
  },
};
