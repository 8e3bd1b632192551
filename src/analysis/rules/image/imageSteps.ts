// Walks the image steps of a model (`image.pip_install(...)`, `app.image(...).apt_get(...)`) and the arguments of a
// package list, shared by the image rules.
import type { Argument, DeploymentModel, Image, ImageStep, StaticValue, StrValue } from '../../model/types';
import type { QuickFix, RuleContext } from '../rule';
import { plainQuote, splitLiteralEdit, usedHere } from './literals';
import { isOpaque, useRange } from '../../model/valueUse';

export function* imagesOf(model: DeploymentModel): Iterable<Image> {
  for (const d of model.deployments) yield* d.images;
}

/** Every call of `method` on an image, in source order per image. */
export function* stepsNamed(model: DeploymentModel, method: string): Iterable<{ image: Image; step: ImageStep }> {
  for (const image of imagesOf(model)) {
    for (const step of image.steps) if (step.method === method) yield { image, step };
  }
}

/** The argument at `position`, or the keyword `name`. */
export function argumentOf(args: readonly Argument[], position: number, name: string): Argument | undefined {
  return args.find((a) => a.name === name) ?? args.find((a) => a.position === position);
}

export interface PackageListRule {
  /** `pip_install` / `apt_get`. */
  method: string;
  /** What one argument is, for messages: `pip requirement`, `apt package`. */
  what: string;
  /** Why a bad argument matters, appended to each message. */
  consequence: string;
  check(s: string): { ok: true } | { ok: false; message: string };
  /** The obvious correction of an invalid string (`numpy=1.2` → `numpy==1.2`), offered when it passes `check`. */
  repair?(s: string): string | undefined;
}

/**
 * Checks every string that reaches a `*packages` method: positional string arguments and the items of a `*[...]`
 * spread. Reports each invalid string on its literal, a list passed without `*`, and a known non-string value.
 */
export function checkPackageList(ctx: RuleContext, rule: PackageListRule): void {
  for (const { step } of stepsNamed(ctx.model, rule.method)) {
    for (const arg of step.call.args) {
      if (arg.name !== undefined || arg.splat === '**') continue;
      const v = arg.value;
      if (arg.splat === '*') {
        if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') {
          for (const item of v.items) checkItem(ctx, rule, item, true);
        }
        continue;
      }
      if (v.kind === 'list' || v.kind === 'tuple') {
        const at = useRange(v).start;
        ctx.report({
          range: useRange(v),
          message:
            `${rule.method}(*packages: str) takes each ${rule.what} as its own string argument, not a ${v.kind}: ` +
            `unpack it with '*' (${rule.method}(*${v.via ? v.via.name : '[...]'})).`,
          fixes: [{ title: `Unpack the ${v.kind} with '*'`, edits: [{ range: { start: at, end: at }, newText: '*' }], isPreferred: true }],
        });
        continue;
      }
      checkItem(ctx, rule, v, false);
    }
  }
}

function checkItem(ctx: RuleContext, rule: PackageListRule, v: StaticValue, inSequence: boolean): void {
  if (isOpaque(v)) return;
  if (v.kind !== 'str') {
    if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' || v.kind === 'dict' || v.kind === 'lambda') return;
    ctx.report({
      range: v.range,
      message: `${rule.method}() takes strings: ${v.text} is not a ${rule.what}. Quote it if it is one.`,
      related: usedHere(v),
    });
    return;
  }
  const result = rule.check(v.value);
  if (result.ok) return;
  const fix = splitFix(rule, v, inSequence) ?? repairFix(rule, v);
  const message = result.message.includes(`'${v.value.trim()}'`) ? result.message : `'${v.value}': ${result.message}`;
  ctx.report({
    range: v.range,
    message: `${rule.method}(): ${message}. ${rule.consequence}`,
    related: usedHere(v),
    fixes: fix ? [fix] : undefined,
  });
}

function repairFix(rule: PackageListRule, v: StrValue): QuickFix | undefined {
  const q = plainQuote(v);
  const repaired = q && rule.repair?.(v.value);
  if (!repaired || repaired === v.value || !rule.check(repaired).ok) return undefined;
  return { title: `Change to '${repaired}'`, edits: [{ range: v.range, newText: q + repaired + q }], isPreferred: true };
}

/** `"torch transformers"` → `"torch", "transformers"` when every part is valid on its own. */
function splitFix(rule: PackageListRule, v: StrValue, inSequence: boolean): QuickFix | undefined {
  // A constant used directly as one argument would become a tuple: only split literals in place or inside a list.
  if (v.via && !inSequence) return undefined;
  const parts = v.value.split(/[\s,]+/).filter(Boolean);
  if (parts.length < 2 || !parts.every((p) => /^[A-Za-z]/.test(p) && rule.check(p).ok)) return undefined;
  const edit = splitLiteralEdit(v, parts);
  return edit ? { title: `Split into ${parts.length} arguments`, edits: [edit], isPreferred: true } : undefined;
}
