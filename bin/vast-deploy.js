#!/usr/bin/env node
// Thin launcher: the CLI lives in the esbuild bundle so it shares the exact code the language server runs.
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`vast-deploy: ${bundle} is missing; run "npm run build" in ${path.dirname(__dirname)} first\n`);
  process.exit(2);
}
require(bundle).runFromProcess();
