// The real language server (src/language-server/main.ts) over stdio, with one fault injected for the LSP tests: analysing a
// document whose text contains ANALYSIS_FAULT throws, as a bug in the parser or the model builder would. It is its
// own bundle (out/test-servers/faultyServer.js, built by scripts/build.mjs), so the shipped dist/server.js has no
// switch that could make it fail on purpose.
import '../../src/language-server/main';
import { ManagedDocument } from '../../src/language-server/documents';
import { ANALYSIS_FAULT } from './analysisFault';

const analysis = ManagedDocument.prototype.analysis;
ManagedDocument.prototype.analysis = function (this: ManagedDocument, workspaceRoots) {
  if (this.textDocument.getText().includes(ANALYSIS_FAULT)) throw new RangeError('Maximum call stack size exceeded');
  return analysis.call(this, workspaceRoots);
};
