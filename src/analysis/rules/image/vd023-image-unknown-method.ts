import { IMAGE_METHODS } from '../../catalog/sdk';
import { didYouMean } from '../../util/didYouMean';
import type { Rule } from '../rule';
import { imagesOf } from './imageSteps';

export const imageUnknownMethod: Rule = {
  id: 'VD023',
  name: 'image-unknown-method',
  severity: 'error',
  title: 'Only `Image` methods can be called on an image',
  docs:
    'Calling a method the `Image` class does not have raises AttributeError when the file runs, so nothing is ' +
    'deployed; a misspelled `pip_instal` would otherwise only show up on the first deploy.',
  check(ctx) {
    for (const image of imagesOf(ctx.model)) {
      for (const step of image.steps) {
        if (IMAGE_METHODS.has(step.method)) continue;
        const hint = didYouMean(step.method, IMAGE_METHODS.keys());
        const span = step.call.methodSpan;
        ctx.report({
          range: span.range,
          message:
            `'${step.method}' is not a method of Image: the call raises AttributeError when the file runs.` +
            (hint ? ` Did you mean '${hint}'?` : ` Image methods: ${[...IMAGE_METHODS.keys()].join(', ')}.`),
          fixes: hint ? [{ title: `Change to '${hint}'`, edits: [{ range: span.range, newText: hint }], isPreferred: true }] : undefined,
        });
      }
    }
  },
};
