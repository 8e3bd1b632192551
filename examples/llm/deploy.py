# Text generation with vLLM on a 24 GB+ GPU. The model loads once per worker, in the Engine context, and every
# generate() call reuses it.
import os
import uuid

from vastai import Deployment
from vastai.data.query import gpu_name, gpu_ram, A100_SXM4, L40S, RTX_4090, RTX_5090

MODEL_NAME = "Qwen/Qwen3-0.6B"

app = Deployment(name="llm-generate")


@app.context()
class Engine:
    """The vLLM engine, started before the worker reports ready and shut down with it."""

    async def __aenter__(self):
        # vllm is only installed on the worker (pip_install below), so import it here, not at the top of the file.
        from vllm import AsyncEngineArgs, AsyncLLMEngine

        args = AsyncEngineArgs(
            model=os.environ["MODEL_NAME"],
            max_model_len=4096,
            gpu_memory_utilization=0.90,
        )
        self.engine = AsyncLLMEngine.from_engine_args(args)
        return self

    async def __aexit__(self, *exc):
        self.engine.shutdown_background_loop()

    async def complete(self, prompt: str, max_tokens: int) -> str:
        from vllm import SamplingParams

        params = SamplingParams(max_tokens=max_tokens, temperature=0.7, top_p=0.95)
        final = None
        # vLLM streams partial outputs; the last one holds the whole completion.
        async for output in self.engine.generate(prompt, params, request_id=uuid.uuid4().hex):
            final = output
        return final.outputs[0].text if final else ""


# Mixed prompt lengths, so the benchmark score reflects real traffic rather than the cheapest request.
@app.remote(
    benchmark_dataset=[
        {"prompt": "Hello", "max_tokens": 32},
        {"prompt": "Write a haiku about a GPU cluster at night.", "max_tokens": 64},
        {"prompt": "Explain what a KV cache is to a new engineer, in one paragraph.", "max_tokens": 128},
    ],
    benchmark_runs=20,
)
async def generate(prompt: str, max_tokens: int = 128) -> str:
    engine = app.get_context(Engine)
    return await engine.complete(prompt, max_tokens)


image = app.image("vastai/pytorch:@vastai-automatic-tag", storage=64)
image.pip_install("vllm>=0.8,<0.9", "transformers>=4.51")
image.env(MODEL_NAME=MODEL_NAME, VLLM_LOGGING_LEVEL="WARNING")
# gpu_ram is in MB: 24000 means 24 GB.
image.require(gpu_ram >= 24000, gpu_name.in_([RTX_4090, RTX_5090, L40S, A100_SXM4]))

app.configure_autoscaling(  #!VAST_IGNORE_CHANGES
    cold_workers=1,
    max_workers=8,
    target_util=0.8,
    max_queue_time=30.0,
    target_queue_time=5.0,
    inactivity_timeout=600,
)

app.ensure_ready()
