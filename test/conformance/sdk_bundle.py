"""What the real vastai SDK computes for a deployment file in deploy mode, without registering anything.

Usage: python sdk_bundle.py <deploy.py>, run from the file's folder (the SDK resolves image.copy() sources against
the current directory). The file is imported as a module named after it (as `import deploy` would), with
Deployment.ensure_ready made a no-op; then, for each Deployment the module holds, the SDK's own functions give
config.json, the content hash and the PUT body. Prints one JSON list.
"""
import importlib.util
import json
import os
import sys
import tempfile

from vastai.serverless.remote import deploy as sdk_deploy
from vastai.serverless.remote.utils import compute_deployment_hash, serialize_config

sdk_deploy.Deployment.ensure_ready = lambda self: None

path = os.path.abspath(sys.argv[1])
module_name = os.path.splitext(os.path.basename(path))[0]
spec = importlib.util.spec_from_file_location(module_name, path)
module = importlib.util.module_from_spec(spec)
sys.modules[module_name] = module
spec.loader.exec_module(module)

results = []
for variable, value in vars(module).items():
    if not isinstance(value, sdk_deploy.Deployment):
        continue
    config = value._collate_config(value.name, value._image)
    with tempfile.TemporaryDirectory() as tmp:
        put_body = value._into_deployment_config_and_tarball(os.path.join(tmp, "bundle.tar.gz")).to_dict()
    put_body.pop("file_size")
    results.append({
        "variable": variable,
        "config_json": serialize_config(config),
        "file_hash": compute_deployment_hash(config, value.file, value._image._copies),
        "put_body": put_body,
    })
print(json.dumps(results))
