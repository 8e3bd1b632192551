// config.json: what the worker installs and runs before importing the deployment. Hashed, so its text must
// be exactly the SDK's `json.dumps(dataclasses.asdict(Config))`.
import type { ImageSettings } from './imageSteps';
import { pythonJsonDumps } from '../../shared/python/format';
import type { DeployConfig } from '../../shared/protocol/bundle';

/**
 * The config for a Deployment's `name` (the value given to `Deployment(name=...)`, or "" when none was: the SDK
 * writes "" there, while the PUT body falls back to the module name) and its image's steps.
 */
export function deployConfig(name: string, image: ImageSettings): DeployConfig {
  return {
    name,
    pip_installs: [...image.pipInstalls],
    apt_gets: [...image.aptGets],
    envs: [...image.envs.entries()],
    runs: image.runs.map((r) => (Array.isArray(r) ? [...r] : r)),
  };
}

/** config.json's text, byte for byte as Python writes it (field order name, pip_installs, apt_gets, envs, runs). */
export function configJson(config: DeployConfig): string {
  return pythonJsonDumps({
    name: config.name,
    pip_installs: config.pip_installs,
    apt_gets: config.apt_gets,
    envs: config.envs,
    runs: config.runs,
  });
}
