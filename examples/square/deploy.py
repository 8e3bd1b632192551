# The smallest useful deployment: the square example from the Vast Deployments guide.
#
#   python deploy.py          registers and uploads the deployment (ensure_ready)
#   python client.py          calls square() on a GPU worker
from vastai import Deployment
from vastai.data.query import gpu_name, RTX_4090, RTX_5090

app = Deployment(name="square")


@app.remote(benchmark_dataset=[{"x": 2}, {"x": 100}, {"x": -5}])
async def square(x):
    return x * x


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.require(gpu_name.in_([RTX_4090, RTX_5090]))

# Autoscaling lives outside the content hash, so tuning it is a Tier 1 update (no code upload, no restarts).
app.configure_autoscaling(min_load=1000, max_workers=4)  #!VAST_IGNORE_CHANGES

app.ensure_ready()
