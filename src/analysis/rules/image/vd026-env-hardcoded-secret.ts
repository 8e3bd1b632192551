import type { DeploymentModel, Range, StaticValue } from '../../model/types';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { imagesOf, stepsNamed } from './imageSteps';
import { definedHere } from './literals';
import { useRange } from '../../model/valueUse';

/** Word parts that make a variable name look like a secret (`HF_TOKEN`, `DB_PASSWORD`, `OPENAI_API_KEY`). */
const SECRET_PARTS = new Set([
  'KEY', 'APIKEY', 'ACCESSKEY', 'SECRETKEY', 'PRIVATEKEY', 'TOKEN', 'AUTHTOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASS',
  'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS',
]);
/** A last part that makes it a setting about the secret, not the secret itself (`SSH_KEY_PATH`, `TOKEN_LIMIT`). */
const NOT_SECRET_LAST = new Set([
  'FILE', 'PATH', 'DIR', 'URL', 'URI', 'HOST', 'PORT', 'ID', 'NAME', 'TYPE', 'LEN', 'LENGTH', 'LIMIT', 'SIZE', 'COUNT',
  'MAX', 'MIN', 'ENABLE', 'ENABLED', 'DISABLE', 'DISABLED', 'HEADER', 'FIELD', 'VAR', 'ENV', 'MODE', 'PREFIX',
]);
/** Values that are settings, not secrets: numbers, flags, paths, special tokens (`PAD_TOKEN="<pad>"`). */
const NOT_SECRET_VALUE = /^(?:\s*|[-+]?\d+(?:\.\d+)?|true|false|yes|no|on|off|none|null|(?:~|\.{0,2})\/\S*|<[^<>]*>|\[[A-Za-z_]+\])$/i;

/** `HF_TOKEN` → HF, TOKEN; `hfToken` → HF, TOKEN. */
function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\-.]+/)
    .filter(Boolean)
    .map((p) => p.toUpperCase());
}

export function looksLikeSecretName(name: string): boolean {
  const parts = nameParts(name);
  return parts.some((p) => SECRET_PARTS.has(p)) && !NOT_SECRET_LAST.has(parts[parts.length - 1]);
}

/** The value, when it is a hard-coded secret: a non-empty string literal (or a constant holding one). */
function hardCoded(v: StaticValue): (StaticValue & { kind: 'str' }) | undefined {
  return v.kind === 'str' && !NOT_SECRET_VALUE.test(v.value) ? v : undefined;
}

/** An `import os` line to add when the file lacks one: above the first top-level import (after `__future__`). */
function importOsEdit(model: DeploymentModel): { range: Range; newText: string }[] | undefined {
  if (model.imports.some((i) => !i.name && i.local === 'os' && i.module.split('.')[0] === 'os')) return [];
  const lines = model.text.split('\n');
  for (const imp of model.imports) {
    if (imp.module === '__future__') continue;
    // The binding's span is the imported name: find the statement's first line (`from x import (\n  a,\n)`).
    let line = imp.range.start.line;
    while (line > 0 && !/^(?:from|import)\s/.test(lines[line]) && /^\s/.test(lines[line])) line--;
    if (!/^(?:from|import)\s/.test(lines[line]) || /^from\s+__future__\b/.test(lines[line])) return undefined;
    const at = { line, character: 0 };
    return [{ range: { start: at, end: at }, newText: 'import os\n' }];
  }
  return undefined;
}

function environFix(model: DeploymentModel, key: string, v: StaticValue): QuickFix[] | undefined {
  if (v.via || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return undefined;
  const importOs = importOsEdit(model);
  if (!importOs) return undefined;
  return [
    {
      title: `Read ${key} from os.environ at deploy time`,
      edits: [...importOs, { range: v.range, newText: `os.environ["${key}"]` }],
    },
  ];
}

function reportEnv(ctx: RuleContext, key: string, v: StaticValue): void {
  const secret = hardCoded(v);
  if (!secret || !looksLikeSecretName(key)) return;
  const from = v.via ? ` (through the constant '${v.via.name}')` : '';
  ctx.report({
    range: useRange(v),
    message:
      `${key} is set to a string literal${from}: image.env() values are stored in config.json inside the uploaded ` +
      `bundle and fed into the content hash, and this file is uploaded too. Read it from the environment at deploy ` +
      `time instead: env(${key}=os.environ["${key}"]).`,
    related: definedHere(v),
    fixes: environFix(ctx.model, key, v),
  });
}

export const envHardcodedSecret: Rule = {
  id: 'VD026',
  name: 'env-hardcoded-secret',
  severity: 'warning',
  title: 'Secrets in `image.env(...)` or `docker_login_pass` should not be written in the file',
  docs:
    '`image.env()` values are written into config.json inside the uploaded bundle (and the content hash), and the ' +
    'deployment file itself is uploaded to every worker: read tokens and passwords from `os.environ` at deploy time.',
  check(ctx) {
    for (const { step } of stepsNamed(ctx.model, 'env')) {
      for (const arg of step.call.args) {
        if (arg.name !== undefined) reportEnv(ctx, arg.name, arg.value);
        else if (arg.splat === '**' && arg.value.kind === 'dict') {
          for (const entry of arg.value.entries) {
            if (entry.key.kind === 'str') reportEnv(ctx, entry.key.value, entry.value);
          }
        }
      }
    }
    for (const image of imagesOf(ctx.model)) {
      const pass = image.keywords.find((a) => a.name === 'docker_login_pass');
      const secret = pass && hardCoded(pass.value);
      if (!secret) continue;
      ctx.report({
        range: useRange(secret),
        message:
          'docker_login_pass is written in the file, which is uploaded to every worker with the bundle: read the ' +
          'registry password or token from the environment at deploy time, e.g. docker_login_pass=os.environ["DOCKER_PASSWORD"].',
        related: definedHere(secret),
      });
    }
  },
};
