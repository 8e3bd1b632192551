// The smallest deployment file the bundle, deploy-flow and engine tests need: one benchmarked @remote function, a
// 1 GB image, no cold workers. Each test names its own deployment (they may share an engine's state); `imageSteps`
// go after app.image(...), one per line.
export function squareDeployment(name: string, imageSteps: string[] = []): string {
  return [
    'from vastai import Deployment',
    '',
    `app = Deployment(name="${name}")`,
    '',
    '',
    '@app.remote(benchmark_dataset=[{"x": 2}])',
    'async def square(x):',
    '    return x * x',
    '',
    '',
    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=1)',
    ...imageSteps,
    'app.configure_autoscaling(cold_workers=0)',
    'app.ensure_ready()',
    '',
  ].join('\n');
}
