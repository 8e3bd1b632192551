// Reads a deployment file from disk, analyses it in this process and turns it into a bundle (the CLI and tests).
// Deploys ship exactly what is saved on disk (the tarball is built from the file's bytes). The language server
// answers the extension's `vast/bundle` from the same core (deploymentBundle.ts) with the analysis it already has.
import { analyzeText, initPythonParser } from '../../analysis/document';
import { bundleDeployment, deployAnalysisOptions, DeploymentFileError, readDeploymentFile, type BundleOptions, type LoadedDeployment } from './deploymentBundle';

export { DeploymentFileError, type LoadedDeployment };
export type LoadOptions = BundleOptions;

export async function loadDeployment(file: string, options: LoadOptions): Promise<LoadedDeployment> {
  const { filePath, fileBytes } = readDeploymentFile(file);
  await initPythonParser();
  const analysis = analyzeText(fileBytes.toString('utf8'), deployAnalysisOptions(filePath));
  return bundleDeployment(filePath, fileBytes, analysis, options);
}
