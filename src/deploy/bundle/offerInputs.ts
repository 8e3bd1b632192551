// What an offer search needs from a deployment file, at a position: on a `require(...)` or `app.image(...)` call, the
// deployment's `search_params` (the string a deploy sends, from the same reader), the image's storage, the scaling the
// cost estimate reads, and the URLs and key the file itself names. No hashing, no copies: the editor asks on a hover.
import type { Deployment, DeploymentModel, Image, Span } from '../../analysis/model/types';
import type { RequirementAt, SearchParamsAtResult } from '../../shared/protocol/lsp';
import type { Target } from '../../shared/protocol/target';
import { SEARCH_DEFAULT_FILTERS, searchTokens } from '../../shared/offerQuery';
import { rangeAt } from '../../analysis/util/textPosition';
import { Reader, readAutoscaling, readDeployment } from './bundle';
import { searchParams } from './searchParams';

export interface OfferInputsOptions {
  target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>;
  environment?: Record<string, string | undefined>;
}

/** Inclusive at both ends: the position right after `)` still counts as on the call. */
const within = (span: Span, offset: number) => span.startOffset <= offset && offset <= span.endOffset;

/** The image call or require(...) step under `offset`, with its image. */
function hoveredCall(model: DeploymentModel, offset: number): { image: Image; span: Span } | undefined {
  for (const deployment of model.deployments) {
    for (const image of deployment.images) {
      const require = image.steps.find((s) => s.method === 'require' && within(s.call, offset));
      if (require) return { image, span: require.call };
      if (within(image.call, offset)) return { image, span: image.call };
    }
  }
  return undefined;
}

function deploymentLabel(deployment: Deployment, name: string | null | undefined): string {
  if (name) return name;
  return deployment.variable?.name ?? `deployment ${deployment.index + 1}`;
}

/** The offer search's inputs at `offset`, `null` when it is not on a require(...) or app.image(...) call. */
export function offerInputsAt(model: DeploymentModel, offset: number, options: OfferInputsOptions): SearchParamsAtResult {
  const hovered = hoveredCall(model, offset);
  if (!hovered) return null;
  const { image, span } = hovered;
  const deployment = image.deployment;
  const range = rangeAt(model.text, span.startOffset, span.endOffset);
  const ctx = { model, environment: options.environment };
  const fields = new Reader(ctx);
  const d = readDeployment(deployment, fields, options.target);
  const name = deploymentLabel(deployment, d.name);
  const search = searchParams(image.requirements, ctx);
  if (!search.ok) return { ok: false, deployment: name, range, message: search.reports.map((r) => r.message).join('; ') };
  const storage = fields.optionalNumber(image.storage, 'storage');
  if (typeof storage !== 'number') {
    return { ok: false, deployment: name, range, message: storage === undefined ? 'app.image() has no storage (GB): offers are priced with it' : 'the storage is only known when Python runs' };
  }
  if (!d.consoleUrl || !d.autoscalerUrl || d.apiKey === null) {
    return { ok: false, deployment: name, range, message: 'the URLs or api_key of this Deployment are only known when Python runs' };
  }
  const scaling = new Reader(ctx);
  const autoscaling = readAutoscaling(deployment, scaling);
  const result: SearchParamsAtResult = {
    ok: true,
    deployment: name,
    range,
    searchParams: search.text,
    storage,
    requirements: requirementsOf(model, image, ctx),
    consoleUrl: d.consoleUrl,
    autoscalerUrl: d.autoscalerUrl,
  };
  // Scaling values Python alone knows leave the estimate out rather than guessing them.
  if (autoscaling && !scaling.reports.length) result.autoscaling = autoscaling;
  if (typeof d.ttl === 'number') result.ttl = d.ttl;
  if (d.apiKey) result.apiKey = d.apiKey;
  if (deployment.images[deployment.images.length - 1] !== image) result.replaced = true;
  return result;
}

/** Each require(...) argument with the filter it adds (searched alone, its one token besides the search defaults). */
function requirementsOf(model: DeploymentModel, image: Image, ctx: { model: DeploymentModel; environment?: Record<string, string | undefined> }): RequirementAt[] {
  const out: RequirementAt[] = [];
  for (const expr of image.requirements) {
    const alone = searchParams([expr], ctx);
    if (!alone.ok) continue;
    const token = searchTokens(alone.text).find((t) => !SEARCH_DEFAULT_FILTERS.has(t.text));
    if (!token) continue;
    const at: RequirementAt = { filter: token.text, range: rangeAt(model.text, expr.startOffset, expr.endOffset) };
    if (expr.kind === 'compare' || expr.kind === 'membership') at.column = expr.column.text;
    out.push(at);
  }
  return out;
}
