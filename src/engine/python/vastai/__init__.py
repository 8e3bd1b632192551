"""Serve-mode stand-in for the `vastai` package, bundled with the local engine's worker runtime.

Only what a deployment file needs when a worker imports it: `Deployment` (serve mode) and `vastai.data.query`.
"""

from .deployment import Deployment, Image, RemoteFunction

__all__ = ["Deployment", "Image", "RemoteFunction"]
__version__ = "0.0.0+local-engine"
