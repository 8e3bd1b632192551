import type { RemoteFunction } from '../../model/types';
import type { Rule } from '../rule';
import { remotesByDeployment } from './benchmark';

export const duplicateRemoteName: Rule = {
  id: 'VD013',
  name: 'duplicate-remote-name',
  severity: 'error',
  title: 'Remote functions of a deployment need distinct names',
  docs: 'Each remote function is served at /remote/<name>; two functions with one name share the route, so one of them can never be called.',
  check(ctx) {
    for (const remotes of remotesByDeployment(ctx.model)) {
      const firstByName = new Map<string, RemoteFunction>();
      for (const remote of remotes) {
        const first = firstByName.get(remote.fn.name);
        if (!first) {
          firstByName.set(remote.fn.name, remote);
          continue;
        }
        ctx.report({
          range: remote.fn.nameSpan.range,
          message:
            `Another remote function of this deployment is already named '${remote.fn.name}': both are served at ` +
            `/remote/${remote.fn.name}, so the later one replaces the earlier on the worker and calls to the first ` +
            `run this one. Rename one of them.`,
          related: [{ range: first.fn.nameSpan.range, message: `first remote function named '${remote.fn.name}'` }],
        });
      }
    }
  },
};
