import { checkAptPackage } from '../../util/aptName';
import type { Rule } from '../rule';
import { checkPackageList } from './imageSteps';

export const aptPackageInvalid: Rule = {
  id: 'VD025',
  name: 'apt-package-invalid',
  severity: 'error',
  title: 'Every `apt_get(...)` argument must be one valid Debian package name',
  docs:
    'The worker runs `apt-get install -y` with each argument at startup: an invalid name fails the install and the ' +
    'worker never becomes ready, long after the deploy succeeded.',
  check(ctx) {
    checkPackageList(ctx, {
      method: 'apt_get',
      what: 'apt package',
      consequence: 'The worker runs `apt-get install -y` with it at startup, so its boot would fail.',
      check: checkAptPackage,
      // Debian package names are lowercase: `libGL1` is `libgl1`.
      repair: (s) => s.toLowerCase(),
    });
  },
};
