import type { Argument, Image } from '../../model/types';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { definedHere, plainQuote } from './literals';
import { imagesOf } from './imageSteps';
import { isOpaque, useRange } from '../../model/valueUse';

/** What the fix writes: the `Image` class's own default (GB). */
const DEFAULT_STORAGE_GB = 50;

function addStorageFix(image: Image): QuickFix {
  const last = image.call.args[image.call.args.length - 1];
  const at = last ? last.range.end : { ...image.call.argumentsSpan.range.start, character: image.call.argumentsSpan.range.start.character + 1 };
  return {
    title: `Add storage=${DEFAULT_STORAGE_GB} (GB)`,
    edits: [{ range: { start: at, end: at }, newText: `${last ? ', ' : ''}storage=${DEFAULT_STORAGE_GB}` }],
    isPreferred: true,
  };
}

function checkStorageValue(ctx: RuleContext, storage: Argument): void {
  const v = storage.value;
  const where = { range: useRange(v), related: definedHere(v) };
  if (v.kind === 'int' || v.kind === 'float') {
    if (v.value > 0) return;
    ctx.report({ ...where, message: `storage=${v.text} GB: the workers need a disk of at least 1 GB. Give the disk size in GB, e.g. storage=${DEFAULT_STORAGE_GB}.` });
    return;
  }
  if (v.kind === 'str') {
    const digits = /^\s*(\d+)\s*$/.exec(v.value);
    const fix: QuickFix[] | undefined =
      digits && !v.via && plainQuote(v) ? [{ title: `Write ${digits[1]} as a number`, edits: [{ range: v.range, newText: digits[1] }], isPreferred: true }] : undefined;
    ctx.report({
      ...where,
      message: `storage must be a number of GB, not the string ${v.text}: the deploy request sends it as the disk size${digits ? `; write ${digits[1]} without quotes` : ''}.`,
      fixes: fix,
    });
    return;
  }
  if (!isOpaque(v)) {
    ctx.report({ ...where, message: `storage must be a number of GB, not ${v.text}: it is the workers' disk size, e.g. storage=${DEFAULT_STORAGE_GB}.` });
  }
}

function checkFromImage(ctx: RuleContext, fromImage: Argument): void {
  const v = fromImage.value;
  if (v.kind !== 'str' || v.value.trim()) return;
  ctx.report({
    range: useRange(v),
    related: definedHere(v),
    message: 'from_image is empty: name the Docker image of the workers, e.g. "vastai/base-image:@vastai-automatic-tag".',
  });
}

export const imageStorageMissing: Rule = {
  id: 'VD022',
  name: 'image-storage-missing',
  severity: 'error',
  title: '`app.image(...)` needs `from_image` and a positive `storage` in GB',
  docs:
    'In deploy mode `app.image()` has no default for `storage` (only the `Image` class does), so a missing one ' +
    'raises TypeError before anything is deployed; so does a missing `from_image`.',
  check(ctx) {
    for (const image of imagesOf(ctx.model)) {
      const call = image.call;
      const range = { start: call.calleeSpan.range.start, end: call.range.end };
      const example = `${call.callee}("vastai/base-image:@vastai-automatic-tag", storage=${DEFAULT_STORAGE_GB})`;
      if (call.hasSplat) {
        // `**kwargs` may carry both: only check what we can see.
        if (image.storage) checkStorageValue(ctx, image.storage);
        continue;
      }
      if (!image.fromImage && !image.storage) {
        ctx.report({
          range,
          message: `${call.callee}() needs the workers' Docker image and their disk size in GB: without them the call raises TypeError. Write e.g. ${example}.`,
        });
        continue;
      }
      if (!image.fromImage) {
        ctx.report({
          range,
          message: `${call.callee}() is missing from_image, the Docker image of the workers: the call raises TypeError. Pass it first, e.g. ${example}.`,
        });
      } else checkFromImage(ctx, image.fromImage);
      if (!image.storage) {
        ctx.report({
          range,
          message:
            `${call.callee}() is missing storage, the workers' disk size in GB: in deploy mode it has no default ` +
            `(only the Image class defaults to ${DEFAULT_STORAGE_GB}), so the call raises TypeError. Add e.g. storage=${DEFAULT_STORAGE_GB}.`,
          fixes: [addStorageFix(image)],
        });
      } else checkStorageValue(ctx, image.storage);
    }
  },
};
