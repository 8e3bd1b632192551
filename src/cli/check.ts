// `vast-deploy check`: the language service's rules over files and folders, for terminals and CI.
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, initPythonParser } from '../analysis/document';
import type { VastDiagnostic } from '../analysis/analyze';
import { RULES } from '../analysis/rules/registry';
import { oneOf, parseCommandArgs } from './args';
import { UsageError, type CliIO } from './io';

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', 'env', 'site-packages', '.tox', '.mypy_cache', 'dist', 'build']);

export interface CheckedFile {
  file: string;
  diagnostics: VastDiagnostic[];
}

/** Python files under a folder that look like deployments (cheap text test; the model decides for sure). */
function findCandidates(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) findCandidates(full, out);
    } else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
  }
}

function looksLikeDeployment(text: string): boolean {
  return text.includes('vastai') || text.includes('Deployment(');
}

/** One file's analysis; a parameter of checkPaths so a test can make it fail. */
export type FileAnalyzer = (text: string, file: string, cwd: string) => { isDeploymentFile: boolean; diagnostics: VastDiagnostic[] };

const analyzeFile: FileAnalyzer = (text, file, cwd) => {
  const { model, diagnostics } = analyzeText(text, { filePath: file, workspaceRoots: [cwd] });
  return { isDeploymentFile: model.isDeploymentFile, diagnostics };
};

const ORIGIN = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export async function checkPaths(inputs: string[], io: CliIO, analyze: FileAnalyzer = analyzeFile): Promise<CheckedFile[]> {
  const files: { file: string; explicit: boolean }[] = [];
  for (const input of inputs) {
    const full = path.resolve(io.cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new UsageError(`${input}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      findCandidates(full, found);
      files.push(...found.sort().map((file) => ({ file, explicit: false })));
    } else if (!stat.isFile()) {
      // Reading a pipe or a device such as /dev/zero would wait, or read, for ever.
      throw new UsageError(`${input}: not a regular file (a pipe, device or socket); check reads deployment files`);
    } else files.push({ file: full, explicit: true });
  }
  await initPythonParser();
  const results: CheckedFile[] = [];
  for (const { file, explicit } of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${file}: cannot read: ${(err as Error).message}`);
    }
    if (!explicit && !looksLikeDeployment(text)) continue;
    let analysis: ReturnType<FileAnalyzer>;
    try {
      analysis = analyze(text, file, io.cwd);
    } catch (err) {
      // One file the analyzer cannot handle must not cost the results of every other file (nor print a stack).
      const message = `The Vast analyzer failed on this file and its checks are missing: ${err instanceof Error ? err.message : String(err)}`;
      results.push({ file, diagnostics: [{ range: ORIGIN, severity: 'warning', code: 'VD000', message, fixes: [] }] });
      continue;
    }
    if (!analysis.isDeploymentFile && !explicit) continue;
    results.push({ file, diagnostics: analysis.diagnostics });
  }
  return results;
}

function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

export function formatText(results: CheckedFile[], cwd: string): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const { file, diagnostics } of results) {
    for (const d of diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      lines.push(`${displayPath(file, cwd)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  const files = results.length;
  lines.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} deployment file${files === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

export function formatJson(results: CheckedFile[], cwd: string): string {
  const rows = results.flatMap(({ file, diagnostics }) =>
    diagnostics.map((d) => ({
      file: displayPath(file, cwd),
      range: d.range,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
  );
  return JSON.stringify(rows, null, 2) + '\n';
}

export function formatRules(): string {
  return RULES.map((r) => `${r.id}  ${r.severity.padEnd(11)} ${r.name.padEnd(30)} ${r.title}`).join('\n') + '\n';
}

export async function runCheck(args: string[], io: CliIO): Promise<number> {
  const { values, positionals: paths } = parseCommandArgs('check', args, { format: { type: 'string' }, 'list-rules': { type: 'boolean' } });
  if (values['list-rules']) {
    io.stdout(formatRules());
    return 0;
  }
  const format = oneOf('check', 'format', values.format, ['text', 'json'], 'text');
  const results = await checkPaths(paths.length ? paths : ['.'], io);
  io.stdout(format === 'json' ? formatJson(results, io.cwd) : formatText(results, io.cwd));
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}
