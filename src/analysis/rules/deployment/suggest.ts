// "Did you mean" for keyword arguments: the shared edit-distance match, plus a unique prefix match between a short
// and a long spelling (`target_utilization` for `target_util`, `version` for `version_label`).
import { didYouMean } from '../../util/didYouMean';

export function suggestKeyword(name: string, candidates: readonly string[]): string | undefined {
  const close = didYouMean(name, candidates);
  if (close) return close;
  const prefixed = candidates.filter(
    (c) => c !== name && Math.min(c.length, name.length) >= 4 && (name.startsWith(c) || c.startsWith(name)),
  );
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
