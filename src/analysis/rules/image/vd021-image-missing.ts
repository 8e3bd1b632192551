import type { Rule } from '../rule';

/**
 * `.image` anywhere in the text (calls, `img = app.image`, comments, other receivers): when there are more of them than
 * image calls the model attached, an image may be set where we cannot see it.
 */
function imageMentionsInText(text: string): number {
  return text.match(/\.\s*image\b/g)?.length ?? 0;
}

export const imageMissing: Rule = {
  id: 'VD021',
  name: 'image-missing',
  severity: 'error',
  title: 'A deployment with remote functions needs an `app.image(...)` call',
  docs:
    '`ensure_ready()` refuses to deploy without an image (and a remote call deploys first), so the workers would ' +
    'never start: call `app.image("vastai/base-image:@vastai-automatic-tag", storage=...)`.',
  check(ctx) {
    const { model } = ctx;
    const seen = model.deployments.reduce((n, d) => n + d.images.length, 0);
    // An image the model could not attach (another name for the app, a helper taking it, `img = app.image`): stay silent.
    if (imageMentionsInText(model.text) > seen) return;
    for (const d of model.deployments) {
      if (!d.variable || d.remotes.length === 0 || d.images.length > 0) continue;
      const app = d.variable.name;
      ctx.report({
        range: d.call.calleeSpan.range,
        message:
          `Deployment '${app}' has remote functions but no image: ensure_ready() refuses to deploy it, so ` +
          `'${d.remotes[0].fn.name}' can never run. Add ` +
          `${app}.image("vastai/base-image:@vastai-automatic-tag", storage=16) (storage in GB).`,
      });
    }
  },
};
