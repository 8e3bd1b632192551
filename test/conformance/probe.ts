// `node out/conformance/probe.js`: exits 0 when the real SDK can run here, 3 (with the reason) when its source is
// absent (the layer is skipped), 1 (naming the command to run) when its Python packages are missing.
import { sdkUnavailable } from './sdk';

const reason = sdkUnavailable();
if (reason) {
  console.log(reason);
  process.exit(reason.startsWith('the real vastai SDK was not found') ? 3 : 1);
}
