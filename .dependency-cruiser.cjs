// Which part of src/ may import which (README "Layout"). `npm test` runs this (scripts/boundaries.mjs) and fails on
// any violation that is not in .dependency-cruiser-known-violations.json, the imports that break the table today and
// wait for their seams. Tests, scripts and benchmarks may import anything.
const PARTS = ['shared', 'analysis', 'language-server', 'vast-api', 'deploy', 'engine', 'cli', 'extension'];

/** A rule: files of `part` may import only the parts in `allowed` (and themselves). */
function onlyImports(part, allowed, comment, extra = {}) {
  const forbidden = PARTS.filter((p) => p !== part && !allowed.includes(p));
  return {
    name: `${part}-imports`,
    comment,
    severity: 'error',
    from: { path: `^src/${part}/`, ...extra.from },
    to: { path: `^src/(${forbidden.join('|')})/`, ...extra.to },
  };
}

module.exports = {
  forbidden: [
    onlyImports('shared', [], 'shared is the bottom layer: wire types, LSP extensions, Target, Python values'),
    onlyImports('analysis', ['shared'], 'the analysis core knows nothing of transports, deploys or editors'),
    onlyImports('vast-api', ['shared'], 'the HTTP client and wire codec know nothing of the analysis or the deploy flow'),
    onlyImports('language-server', ['analysis', 'deploy', 'shared'], 'the language server is analysis over LSP'),
    {
      name: 'language-server-deploy-bundle-only',
      comment: 'of deploy, the language server may use only the model-derived bundle builder (it answers vast/bundle)',
      severity: 'error',
      from: { path: '^src/language-server/' },
      to: { path: '^src/deploy/', pathNot: '^src/deploy/bundle/' },
    },
    onlyImports('deploy', ['analysis', 'vast-api', 'shared'], 'deploy uses the API client and shared types'),
    {
      name: 'deploy-analysis-bundle-only',
      comment: 'of the analysis, deploy may use only what builds the bundle (src/deploy/bundle/)',
      severity: 'error',
      from: { path: '^src/deploy/', pathNot: '^src/deploy/bundle/' },
      to: { path: '^src/analysis/' },
    },
    onlyImports('engine', ['shared'], 'the engine is its own process; it shares wire types only'),
    onlyImports('cli', ['shared', 'analysis', 'language-server', 'vast-api', 'deploy', 'engine'], 'the CLI may use anything but the extension'),
    onlyImports('extension', ['shared', 'deploy', 'vast-api', 'engine'], 'the extension asks the language server for analysis results'),
    {
      name: 'extension-engine-daemon-only',
      comment: 'of the engine, the extension may use only its daemon control (src/engine/daemon)',
      severity: 'error',
      from: { path: '^src/extension/' },
      to: { path: '^src/engine/', pathNot: '^src/engine/daemon/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles in src/',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/engine/python/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
