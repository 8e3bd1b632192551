// Markdown for hovers and completion documentation, built from the catalog. One function per kind of thing, so a
// hover and the completion item for the same keyword always say the same.
import type { GpuConstant } from '../analysis/catalog/gpus';
import type { QueryColumn } from '../analysis/catalog/queryColumns';
import {
  DEPLOYMENT_PARAMS,
  type AutoscalingParamDoc,
  type ImageMethodDoc,
  type MethodDoc,
  type ParamDoc,
} from '../analysis/catalog/sdk';

function python(code: string): string {
  return '```python\n' + code + '\n```';
}

function join(...blocks: (string | undefined | false)[]): string {
  return blocks.filter((b): b is string => !!b).join('\n\n');
}

function signatureOf(p: ParamDoc): string {
  return `${p.name}: ${p.type}${p.default !== undefined ? ` = ${p.default}` : ''}`;
}

/** A keyword of a call: `Deployment(...)`, `app.image(...)`, `@app.remote(...)`. */
export function parameterMarkdown(p: ParamDoc, owner: string): string {
  return join(
    python(`(parameter) ${signatureOf(p)}`),
    `Parameter of \`${owner}\`.`,
    p.doc,
    p.tier && `**Update when changed:** ${p.tier}`,
  );
}

/** The allowed range of an autoscaling value, in words: `>= 0`, `> 0 and <= 1`. */
export function autoscalingRange(p: AutoscalingParamDoc): string | undefined {
  const low = p.min === undefined ? undefined : `${p.minExclusive ? '>' : '>='} ${p.min}`;
  const high = p.max === undefined ? undefined : `<= ${p.max}`;
  return low && high ? `${low} and ${high}` : (low ?? high);
}

export function autoscalingMarkdown(p: AutoscalingParamDoc): string {
  const range = autoscalingRange(p);
  return join(
    python(`(parameter) ${p.name}: ${p.type}`),
    `Autoscaling setting of \`configure_autoscaling(...)\`. Value: ${p.valueType === 'int' ? 'a whole number' : 'a number'}${
      range ? `, ${range}` : ''
    }.`,
    p.doc,
    `**Update when changed:** ${p.tier}`,
  );
}

export function imageMethodMarkdown(m: ImageMethodDoc): string {
  return join(python(`Image.${m.signature}`), m.doc, `**Update when changed:** ${m.tier}`);
}

export function deploymentMethodMarkdown(m: MethodDoc): string {
  const signature = m.signature.startsWith('@') || m.signature.startsWith('Deployment.') ? m.signature : `Deployment.${m.signature}`;
  return join(python(signature), m.doc);
}

export function deploymentClassMarkdown(): string {
  const params = DEPLOYMENT_PARAMS.map((p) => `    ${p.default !== undefined ? `${p.name}: ${p.type} = ${p.default}` : `${p.name}: ${p.type} = ...`},`);
  return join(
    python(['class Deployment(', ...params, ')'].join('\n')),
    'A Vast deployment: remote functions, contexts, the workers\' image and the endpoint\'s autoscaling, defined in ' +
      'one file. Pass `name=` and `api_key=` as keywords.',
  );
}

/** The unit in a few words, for a completion item's detail line (the catalog's unit text can be a sentence). */
export function shortUnit(c: QueryColumn): string | undefined {
  if (c.megabytes) return 'MB';
  return c.unit?.replace(/\s*\(.*$/, '');
}

export function columnSummary(c: QueryColumn): string {
  const unit = shortUnit(c);
  return `${c.type}${unit ? ` · ${unit}` : ''}`;
}

export function columnMarkdown(c: QueryColumn): string {
  const facts = [`**Type:** \`${c.type}\``];
  if (c.unit) facts.push(`**Unit:** ${c.unit}`);
  facts.push(`**Category:** ${c.category}`);
  if (c.wireName !== c.name) facts.push(`**Column:** \`${c.wireName}\``);
  if (c.aliasOf) facts.push(`**Alias of:** \`${c.aliasOf}\``);
  return join(
    python(`(query column) ${c.name}`),
    facts.join(' · '),
    c.doc,
    c.example && `Example: \`${c.example}\``,
  );
}

export function gpuMarkdown(g: GpuConstant): string {
  const wire = g.value.replace(/ /g, '_');
  return join(
    python(`(GPU constant) ${g.name} = "${g.value}"`),
    `\`${g.name}\` → gpu_name \`"${g.value}"\` · ${g.family}`,
    `Compare it with the \`gpu_name\` column: \`gpu_name == ${g.name}\` or \`gpu_name.in_([${g.name}, ...])\`. ` +
      (wire !== g.value ? `In the search string spaces become \`_\`: \`gpu_name=${wire}\`.` : `In the search string: \`gpu_name=${wire}\`.`),
  );
}

export const IGNORE_CHANGES_MARKDOWN = join(
  '**`#!VAST_IGNORE_CHANGES`**',
  'This line is left out of the deployment\'s **content hash**. Editing it does not change the hash, so it does not ' +
    'trigger a soft update (Tier 2: new code bundle, workers reinstall). Vast\'s examples put it on the ' +
    '`configure_autoscaling(...)` line: autoscaling values travel as their own fields, so tuning them is still applied ' +
    '(Tier 1) without a code update.',
  'Only the file\'s text is affected: the uploaded bundle keeps the full line, and whatever the line also sends ' +
    'elsewhere still counts (image steps such as `pip_install` are recorded in config.json, which is hashed; image, ' +
    'storage and search filters are compared as their own fields). Do not put it on code the workers must pick up.',
);
