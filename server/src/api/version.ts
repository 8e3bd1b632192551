// The version sent in User-Agent. Kept equal to package.json's "version" (a unit test checks it): the bundle cannot
// read package.json at run time, because dist/ ships without it in some layouts.
export const CLIENT_VERSION = '0.1.0';
export const USER_AGENT = `vast-deployments-vscode/${CLIENT_VERSION}`;
