/** A comment that makes the test-only language server (faultyServer.ts) throw while analysing the document. */
export const ANALYSIS_FAULT = '# analysis-fault-injected-by-the-test';
