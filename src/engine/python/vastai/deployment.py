"""Serve-mode `Deployment`: what a deployment file sees when a worker imports it.

Decorators register remote functions and contexts; image(), configure_autoscaling() and ensure_ready() do nothing
(the worker already runs inside the image). The worker runtime (vast_worker) reads the registrations back.
"""

import inspect
from typing import Any, Callable, Dict, List, Optional, Type, TypeVar

T = TypeVar("T")

DEFAULT_BENCHMARK_RUNS = 10
DEFAULT_MAX_QUEUE_TIME = 30.0


class RemoteFunction:
    """One `@app.remote` function and its serve-mode options."""

    def __init__(self, func: Callable[..., Any], benchmark_dataset: Optional[List[dict]],
                 benchmark_generator: Optional[Callable[[], dict]], benchmark_runs: int,
                 allow_parallel_requests: bool, max_queue_time: float):
        self.func = func
        self.name: str = func.__name__
        self.benchmark_dataset = benchmark_dataset
        self.benchmark_generator = benchmark_generator
        self.benchmark_runs = benchmark_runs
        self.allow_parallel_requests = allow_parallel_requests
        self.max_queue_time = max_queue_time

    @property
    def has_benchmark(self) -> bool:
        return self.benchmark_dataset is not None or self.benchmark_generator is not None

    def __repr__(self) -> str:
        return f"<remote function {self.name}>"


class Image:
    """Chainable no-op: on a worker the image is already running. Every method returns the image."""

    def __init__(self, from_image: str = "", storage: Any = None, **kwargs: Any):
        self.from_image = from_image
        self.storage = storage
        self.options = kwargs

    def _noop(self, *args: Any, **kwargs: Any) -> "Image":
        return self

    pip_install = apt_get = env = run_script = run_cmd = copy = venv = use_system_python = _noop
    publish_port = require = _noop

    def __getattr__(self, name: str) -> Callable[..., "Image"]:
        # A method this stand-in does not know yet (a newer SDK): accept it rather than break the worker.
        if name.startswith("__"):
            raise AttributeError(name)
        return self._noop


class Deployment:
    """Serve mode: the first positional parameter is `name` (deploy mode's is api_key, so always use keywords)."""

    _registry: Dict[str, "Deployment"] = {}
    # Every instance in creation order, so the worker can find an app whose name config.json does not give.
    _instances: List["Deployment"] = []

    def __init__(self, name: Optional[str] = None, tag: str = "default", version_label: Optional[str] = None,
                 api_key: Any = None, ttl: Optional[float] = None, autoscaler_instance: str = "prod",
                 autoscaler_url: Optional[str] = None, webserver_url: str = "https://console.vast.ai", **kwargs: Any):
        if name is None:
            caller = inspect.currentframe().f_back  # type: ignore[union-attr]
            name = caller.f_globals.get("__name__", "") if caller is not None else ""
        self.name: str = name or ""
        self.tag = tag
        self.version_label = version_label
        self.ttl = ttl
        self.autoscaling: Dict[str, Any] = {}
        self.images: List[Image] = []
        self.remote_functions: Dict[str, RemoteFunction] = {}
        # context class -> instance (created at decoration) and -> the value its __aenter__ returned.
        self.context_instances: Dict[type, Any] = {}
        self.context_values: Dict[type, Any] = {}
        Deployment._registry[self.name] = self
        Deployment._instances.append(self)

    # -- registry ------------------------------------------------------------------------------------------------
    @classmethod
    def lookup(cls, name: str) -> Optional["Deployment"]:
        return cls._registry.get(name)

    @classmethod
    def _reset_registry(cls) -> None:
        """Called by the worker before (re)importing a deployment, so a soft update does not see stale apps."""
        cls._registry = {}
        cls._instances = []

    # -- no-ops on a worker ---------------------------------------------------------------------------------------
    def image(self, from_image: str = "", storage: Any = None, **kwargs: Any) -> Image:
        img = Image(from_image, storage, **kwargs)
        self.images.append(img)
        return img

    def configure_autoscaling(self, **kwargs: Any) -> None:
        self.autoscaling.update(kwargs)

    def ensure_ready(self, *args: Any, **kwargs: Any) -> None:
        pass

    # -- decorators -----------------------------------------------------------------------------------------------
    def remote(self, func: Optional[Callable[..., Any]] = None, *, benchmark_dataset: Optional[List[dict]] = None,
               benchmark_generator: Optional[Callable[[], dict]] = None,
               benchmark_runs: int = DEFAULT_BENCHMARK_RUNS, allow_parallel_requests: bool = False,
               max_queue_time: float = DEFAULT_MAX_QUEUE_TIME) -> Any:
        """`@app.remote` or `@app.remote(...)`; returns the function itself so code on the worker can call it."""

        def register(f: Callable[..., Any]) -> Callable[..., Any]:
            if not inspect.iscoroutinefunction(f):
                raise TypeError(f"@app.remote function {getattr(f, '__name__', f)!r} must be defined with 'async def'")
            if benchmark_dataset is not None and benchmark_generator is not None:
                raise TypeError(f"@app.remote function {f.__name__!r}: give benchmark_dataset or benchmark_generator, "
                                "not both")
            if benchmark_dataset is not None and (not isinstance(benchmark_dataset, (list, tuple)) or not benchmark_dataset):
                raise TypeError(f"@app.remote function {f.__name__!r}: benchmark_dataset must be a non-empty list of "
                                "dicts of keyword arguments")
            if benchmark_generator is not None and not callable(benchmark_generator):
                raise TypeError(f"@app.remote function {f.__name__!r}: benchmark_generator must be callable")
            if f.__name__ in self.remote_functions:
                raise TypeError(f"two @app.remote functions are named {f.__name__!r}; routes are /remote/<name>")
            self.remote_functions[f.__name__] = RemoteFunction(
                f, list(benchmark_dataset) if benchmark_dataset is not None else None, benchmark_generator,
                int(benchmark_runs), bool(allow_parallel_requests), float(max_queue_time))
            return f

        if func is not None:
            return register(func)
        return register

    def context(self, *args: Any, **kwargs: Any) -> Callable[[Type[T]], Type[T]]:
        """`@app.context(*args, **kwargs)`: instantiates the class now; the worker enters it before serving."""

        def register(cls: Type[T]) -> Type[T]:
            for method in ("__aenter__", "__aexit__"):
                if not hasattr(cls, method):
                    raise TypeError(f"@app.context class {cls.__name__!r} must define async {method}")
            self.context_instances[cls] = cls(*args, **kwargs)
            return cls

        return register

    def get_context(self, context_class: Type[T]) -> T:
        if context_class in self.context_values:
            return self.context_values[context_class]
        if context_class in self.context_instances:
            raise RuntimeError(f"context {context_class.__name__} is not entered yet (get_context works inside "
                               "@app.remote functions, after the worker entered every context)")
        raise KeyError(f"{getattr(context_class, '__name__', context_class)!r} is not an @app.context class of "
                       f"deployment {self.name!r}")

    def __repr__(self) -> str:
        return f"<Deployment {self.name!r} (serve mode)>"
