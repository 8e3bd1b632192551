// The User-Agent every request carries, with the product version (one home: src/shared/version.ts).
import { PRODUCT_VERSION } from '../shared/version';

export const USER_AGENT = `vast-deployments-vscode/${PRODUCT_VERSION}`;
