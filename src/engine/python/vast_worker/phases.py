"""Time limits on the boot phases, so a worker that never gets ready says why instead of loading forever.

Each phase (the code download, the set-up steps, `import deployment`, entering the contexts, the benchmark) has a
generous default that a model download fits in, and an override in seconds: `VAST_BOOT_TIMEOUT_<PHASE>` in the
worker's environment (a deployment's `-e` flag, or the engine's own environment, which passes them on). `0` turns a
limit off. When a phase runs over, the worker reports an error naming the phase and its limit, and exits.
"""

import asyncio
from typing import Awaitable, Dict, List, Mapping, Optional, Tuple, TypeVar

from .loader import WorkerFailure

T = TypeVar("T")

# Seconds. Downloads of the code are small (the model comes later, in a set-up step or a context): 10 minutes; pip
# installs, run steps, imports and contexts may fetch gigabytes: 30 minutes each; the benchmark: 10 minutes.
PHASE_DEFAULTS_S: Dict[str, float] = {
    "download": 600.0,
    "install": 1800.0,
    "import": 1800.0,
    "contexts": 1800.0,
    "benchmark": 600.0,
}

PHASE_NAMES: Dict[str, str] = {
    "download": "the code download",
    "install": "the set-up steps (pip installs and runs)",
    "import": "import deployment",
    "contexts": "entering the contexts (__aenter__)",
    "benchmark": "the benchmark",
}


def env_name(phase: str) -> str:
    return f"VAST_BOOT_TIMEOUT_{phase.upper()}"


def phase_limits(environ: Mapping[str, str]) -> Tuple[Dict[str, Optional[float]], List[str]]:
    """The limit of each phase (None: no limit) and a warning for each override that is not a number of seconds."""
    limits: Dict[str, Optional[float]] = {}
    warnings: List[str] = []
    for phase, default in PHASE_DEFAULTS_S.items():
        raw = environ.get(env_name(phase), "").strip()
        value: Optional[float] = default
        if raw:
            try:
                value = float(raw)
                if value != value or value < 0:  # NaN or negative
                    raise ValueError(raw)
            except ValueError:
                warnings.append(f"{env_name(phase)}={raw!r} is not a number of seconds; using {default:g} s")
                value = default
            else:
                value = value or None
        limits[phase] = value
    return limits, warnings


async def time_boxed(phase: str, limit: Optional[float], work: Awaitable[T]) -> T:
    """`work`, or a WorkerFailure naming the phase once `limit` seconds passed. Work in a thread keeps running until
    the process exits (the worker exits after a failed boot, stopping the processes the set-up steps started)."""
    if limit is None:
        return await work
    try:
        return await asyncio.wait_for(work, limit)
    except asyncio.TimeoutError:
        raise WorkerFailure(
            f"{phase} did not finish within {limit:g} s ({PHASE_NAMES[phase]}); if it needs longer, set "
            f"{env_name(phase)} to more seconds (a -e flag of the deployment, or in the engine's environment), "
            "0 for no limit") from None
