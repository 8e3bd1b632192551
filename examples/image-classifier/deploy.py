# A 28x28 grayscale image classifier (Fashion-MNIST sized). The TorchScript weights and the label list are local
# files shipped with image.copy(); the model loads once per worker in the Classifier context.
import json

from vastai import Deployment
from vastai.data.query import cpu_cores, dph_total, gpu_name, A100_PCIE, A100_SXM4, H100_SXM

app = Deployment(name="image-classifier")


@app.context()
class Classifier:
    async def __aenter__(self):
        import torch

        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model = torch.jit.load("/app/weights/model.pt", map_location=self.device).eval()
        with open("/app/labels.json") as f:
            self.labels = json.load(f)
        return self

    async def __aexit__(self, *exc):
        del self.model


# An all-black image is a fair benchmark input: a fixed-size model costs the same whatever the pixels are.
@app.remote(benchmark_dataset=[{"pixel_values": [[0.0] * 28] * 28}])
async def infer(pixel_values: list[list[float]]) -> dict:
    import torch

    ctx = app.get_context(Classifier)
    x = torch.tensor(pixel_values, dtype=torch.float32, device=ctx.device).view(1, 1, 28, 28)
    with torch.inference_mode():
        probs = torch.softmax(ctx.model(x), dim=-1)[0]
    score, index = probs.max(dim=0)
    return {"label": ctx.labels[index.item()], "score": round(score.item(), 4)}


image = app.image("vastai/pytorch:@vastai-automatic-tag", storage=32)
image.pip_install("torch>=2.3", "torchvision>=0.18", "pillow")
# torchvision.io needs ffmpeg to decode video frames, for callers that send frames straight from a clip.
image.apt_get("ffmpeg")
image.copy("weights/", "/app/weights")
image.copy("labels.json", "/app/labels.json")
# Fail the worker's startup early, with a clear message, if the deployment was made before exporting the model.
image.run_script(
    """
set -e
test -f /app/weights/model.pt || { echo "model.pt missing: run export_model.py before deploying" >&2; exit 1; }
"""
)
image.require(
    gpu_name.in_([H100_SXM, A100_SXM4, A100_PCIE]),
    cpu_cores >= 8,
    dph_total < 3.0,
)

app.configure_autoscaling(cold_workers=1, max_workers=4, min_load=100)  #!VAST_IGNORE_CHANGES

app.ensure_ready()
