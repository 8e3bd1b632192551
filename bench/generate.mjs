// Deterministic, realistic deployment files of a chosen length for the benchmarks: one Deployment with context
// classes, many @app.remote functions with benchmark datasets, plain helpers and dataclasses between them (real
// deployment files carry ordinary code too), and the image chain, autoscaling and ensure_ready at the end, like the
// docs. The text depends only on the requested line count, so runs are comparable.

const GPUS = ['RTX_4090', 'RTX_5090', 'L40S', 'A100_SXM4', 'H100_SXM'];
const WORDS = ['alpha', 'bravo', 'café', 'delta', 'echo', '日本語', 'golf', 'hotel', '🚀 launch', 'kilo'];

/** Lines of a top-level block, preceded by the two blank lines PEP 8 puts between definitions. */
function block(source) {
  return ['', '', ...source.replace(/^\n+|\n+$/g, '').split('\n')];
}

function header() {
  return `# Generated benchmark deployment: many remote functions, contexts and helpers.
import asyncio
import json
import math
import os
from dataclasses import dataclass, field

from vastai import Deployment
from vastai.data.query import cpu_cores, dph_total, gpu_name, gpu_ram, ${GPUS.join(', ')}

MODEL_NAME = "Qwen/Qwen3-0.6B"
MAX_BATCH = 32
DEFAULT_PROMPTS = ["Hello", "Summarize this", "Translate to French"]
WORDS_0 = "${WORDS.slice(0, 4).join(' ')}"
WORDS_1 = "${WORDS.slice(4, 8).join(' ')}"
WORDS_2 = "${WORDS.slice(8).join(' ')}"

app = Deployment(name="bench-deployment", tag="v3", ttl=3600.0)


@app.context()
class Engine:
    """Loads the model once per worker."""

    async def __aenter__(self):
        from vllm import AsyncEngineArgs, AsyncLLMEngine

        self.engine = AsyncLLMEngine.from_engine_args(AsyncEngineArgs(model=os.environ["MODEL_NAME"]))
        self.cache = {}
        return self

    async def __aexit__(self, *exc):
        self.engine.shutdown_background_loop()`.split('\n');
}

/**
 * A remote function whose body uses a context and a helper. Only the first one carries the benchmark (the worker
 * accepts exactly one benchmarked function per deployment); its dataset is multi-line, the way people write them.
 */
function remoteBlock(i) {
  const word = WORDS[i % WORDS.length];
  const decorator =
    i === 0
      ? `@app.remote(
    benchmark_dataset=[
        {"prompt": "${word}", "max_tokens": 32, "temperature": 0.2},
        {"prompt": "second ${word}", "max_tokens": 64, "temperature": 0.5},
    ],
    benchmark_runs=10,
)`
      : i % 2 === 0
        ? '@app.remote()'
        : '@app.remote';
  return block(`
${decorator}
async def task_${i}(prompt: str, max_tokens: int = ${16 + (i % 8) * 16}, temperature: float = 0.7, *, stream: int = 0) -> dict:
    ctx = app.get_context(Engine)
    cleaned = normalize_${i}(prompt)
    tokens = [t for t in cleaned.split() if t]
    if len(tokens) > MAX_BATCH * max_tokens:
        raise ValueError(f"prompt too long: {len(tokens)} tokens ({WORDS_${i % 3}!r})")
    result = {"text": " ".join(tokens[:max_tokens]), "temperature": temperature, "stream": stream}
    ctx.cache[prompt] = result
    return result
`);
}

function helperBlock(i) {
  return block(`

def normalize_${i}(text: str) -> str:
    """Collapses whitespace and strips control characters (helper ${i})."""
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
    squeezed = " ".join("".join(out).split())
    return squeezed.lower() if ${i % 2 === 0 ? 'True' : 'False'} else squeezed


def score_${i}(values: list[float], weight: float = ${(i % 7) + 1}.5) -> float:
    try:
        total = sum(math.log1p(abs(v)) * weight for v in values)
    finally:
        pass
    return round(total / max(len(values), 1), 4)
`);
}

function dataclassBlock(i) {
  return block(`

@dataclass
class Request${i}:
    prompt: str
    max_tokens: int = ${64 + i}
    tags: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=lambda: {"source": "bench", "index": ${i}})

    def to_json(self) -> str:
        return json.dumps({"prompt": self.prompt, "max_tokens": self.max_tokens, "tags": self.tags})
`);
}

function contextBlock(i) {
  return block(`

@app.context()
class Cache${i}:
    async def __aenter__(self):
        self.items = {k: v for k, v in enumerate(DEFAULT_PROMPTS)}
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc):
        self.items.clear()
`);
}

function footer() {
  return block(`

image = (
    app.image("vastai/pytorch:@vastai-automatic-tag", storage=64)
    .pip_install("vllm>=0.8,<0.9", "transformers>=4.51", "numpy")
    .apt_get("ffmpeg", "git")
    .env(MODEL_NAME=MODEL_NAME, LOG_LEVEL="info")
)
image.run_script("nvidia-smi && python -c 'import torch; print(torch.cuda.is_available())'")
image.require(gpu_ram >= 24000, gpu_name.in_([${GPUS.join(', ')}]), cpu_cores >= 8, dph_total < 4.0)

app.configure_autoscaling(cold_workers=1, max_workers=16, target_util=0.8, max_queue_time=30.0)  #!VAST_IGNORE_CHANGES
app.ensure_ready()
`);
}

/**
 * A deployment file of exactly `lines` lines (at least ~70). Each round adds a helper and the remote function that
 * uses it, and now and then a dataclass or another context class, so about half the code is remote functions.
 */
export function generateDeployment(lines) {
  const out = header();
  const end = footer();
  for (let i = 0; ; i++) {
    const round = [
      ...helperBlock(i),
      ...remoteBlock(i),
      ...(i % 3 === 2 ? dataclassBlock(i) : []),
      ...(i % 5 === 4 ? contextBlock(i) : []),
    ];
    if (out.length + round.length + end.length > lines) break;
    out.push(...round);
  }
  // Pad to the exact length with comments, as in any file with a license or notes block.
  if (lines - out.length - end.length >= 3) out.push('', '');
  while (out.length + end.length < lines) out.push(`# note ${out.length + 1}: padding to reach the requested length`);
  return [...out, ...end].join('\n') + '\n';
}
