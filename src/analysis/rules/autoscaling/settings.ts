// What makes one configure_autoscaling() value valid, shared by the autoscaling rules.
import type { AutoscalingParamDoc } from '../../catalog/sdk';
import type { StaticValue } from '../../model/types';
import type { QuickFix, Severity } from '../rule';
import { describeKind, replaceSpan } from '../deployment/sourceText';
import { isOpaque } from '../../model/valueUse';

/**
 * Keys the catalog does not list but the SDK forwards with the autoscaling settings: `autoscaler_instance` is one of
 * the autoscaling keys of the PUT body (docs/protocol.md, "Deploy"). Never reported as unknown.
 */
export const ACCEPTED_UNLISTED_KEYS: ReadonlySet<string> = new Set(['autoscaler_instance']);

export interface ValueProblem {
  message: string;
  severity?: Severity;
  fixes: QuickFix[];
}

/** A number literal as Python writes it (for fixes that turn `"0.8"` into `0.8`). */
const NUMBER_LITERAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Replaces the value where it is written: for a module-level constant, at its definition (the model's convention). */
function fix(title: string, v: StaticValue, newText: string): QuickFix {
  return { title, edits: [replaceSpan(v, newText)], isPreferred: true };
}

function what(param: AutoscalingParamDoc): string {
  return param.valueType === 'int' ? 'a whole number (int)' : 'a number';
}

function rangeText(param: AutoscalingParamDoc): string {
  const low = param.min === undefined ? '' : param.minExclusive ? `greater than ${param.min}` : `at least ${param.min}`;
  const high = param.max === undefined ? '' : `at most ${param.max}`;
  return [low, high].filter(Boolean).join(' and ');
}

/** The number a valid numeric value holds, or undefined (opaque, wrong kind, out of range). */
export function validNumber(param: AutoscalingParamDoc, v: StaticValue): number | undefined {
  if (v.kind !== 'int' && v.kind !== 'float') return undefined;
  return checkValue(param, v) ? undefined : v.value;
}

/** What is wrong with `v` as the value of `param`, or undefined when it is fine or cannot be known. */
export function checkValue(param: AutoscalingParamDoc, v: StaticValue): ValueProblem | undefined {
  if (isOpaque(v)) return undefined;
  const name = param.name;
  const shown = v.via ? `${v.via.name} (${v.text})` : v.text;
  if (v.kind === 'none') return noneProblem(param);
  if (v.kind !== 'int' && v.kind !== 'float') {
    const numeric = v.kind === 'str' && NUMBER_LITERAL.test(v.value.trim()) ? v.value.trim() : undefined;
    const fixes = numeric !== undefined && !checkNumber(param, Number(numeric), /[.eE]/.test(numeric)) ? [fix(`Use the number ${numeric}`, v, numeric)] : [];
    const sent = v.kind === 'bool' ? 'as JSON true/false' : 'as-is';
    return {
      message: `${name} must be ${what(param)}, not ${describeKind(v)}: ensure_ready() sends ${name}=${shown} to the server ${sent}, where ${what(param)} is expected.`,
      fixes,
    };
  }
  const problem = checkNumber(param, v.value, v.kind === 'float');
  if (!problem) return undefined;
  return {
    message: `${name}=${shown} ${problem.message}`,
    severity: problem.severity,
    fixes: problem.fix ? [fix(problem.fix.title, v, problem.fix.text)] : [],
  };
}

function noneProblem(param: AutoscalingParamDoc): ValueProblem {
  return {
    message:
      `${param.name}=None does not set ${param.name}: the SDK leaves None settings out of the request, so the server ` +
      `keeps its current value. Give ${what(param)}, or remove the argument.`,
    severity: 'warning',
    fixes: [],
  };
}

function checkNumber(
  param: AutoscalingParamDoc,
  value: number,
  isFloat: boolean,
): { message: string; severity?: Severity; fix?: { title: string; text: string } } | undefined {
  if (param.valueType === 'int' && !Number.isInteger(value)) {
    return { message: `is not a whole number: ${param.name} counts workers, so it must be an int.` };
  }
  if (param.valueType === 'int' && isFloat) {
    const int = String(value);
    // The value is whole, so the server may well accept it: a warning, not an error.
    return {
      message: `is a float: ${param.name} counts workers, so write the int ${int}.`,
      severity: 'warning',
      fix: { title: `Use ${int}`, text: int },
    };
  }
  const tooLow = param.min !== undefined && (param.minExclusive ? value <= param.min : value < param.min);
  const tooHigh = param.max !== undefined && value > param.max;
  if (!tooLow && !tooHigh) return undefined;
  const message = `is out of range: ${param.name} must be ${rangeText(param)}.`;
  // target_util written as a percentage (80 for 80%): the fraction is the obvious intent.
  if (tooHigh && param.max === 1 && value > 1 && value <= 100) {
    const fraction = String(Number((value / 100).toPrecision(12)));
    return { message: `${message} It is a fraction, not a percentage: did you mean ${fraction}?`, fix: { title: `Use ${fraction}`, text: fraction } };
  }
  return { message };
}
