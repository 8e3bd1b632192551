import asyncio
import importlib.util
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import REPO_ROOT  # noqa: E402

from vastai import Deployment  # noqa: E402
from vastai.data import query  # noqa: E402


def load_file(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ServeModeDeployment(unittest.TestCase):
    def setUp(self) -> None:
        Deployment._reset_registry()

    def test_positional_name_keywords_and_lookup(self) -> None:
        app = Deployment("first", tag="v2", version_label="1.0", ttl=60, some_future_option=1)
        self.assertEqual((app.name, app.tag), ("first", "v2"))
        self.assertIs(Deployment.lookup("first"), app)
        self.assertIsNone(Deployment.lookup("missing"))

    def test_name_defaults_to_the_calling_module(self) -> None:
        self.assertEqual(Deployment().name, __name__)

    def test_remote_both_forms_and_options(self) -> None:
        app = Deployment(name="r")

        @app.remote
        async def plain(x):
            return x

        @app.remote(benchmark_generator=lambda: {"x": 1}, benchmark_runs=3, allow_parallel_requests=True,
                    max_queue_time=5)
        async def tuned(x):
            return x

        self.assertEqual(asyncio.run(plain(4)), 4)  # the decorator returns the function itself
        self.assertFalse(app.remote_functions["plain"].has_benchmark)
        t = app.remote_functions["tuned"]
        self.assertEqual((t.benchmark_runs, t.allow_parallel_requests, t.max_queue_time), (3, True, 5.0))
        self.assertTrue(t.has_benchmark)

    def test_remote_refuses_sync_functions_and_double_benchmarks(self) -> None:
        app = Deployment(name="bad")
        with self.assertRaises(TypeError) as cm:
            app.remote(lambda x: x)
        self.assertIn("async def", str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            @app.remote(benchmark_dataset=[{"x": 1}], benchmark_generator=lambda: {"x": 1})
            async def f(x):
                return x
        self.assertIn("not both", str(cm.exception))
        with self.assertRaises(TypeError):
            @app.remote(benchmark_dataset=[])
            async def g(x):
                return x

    def test_context_is_instantiated_and_get_context_returns_the_entered_value(self) -> None:
        app = Deployment(name="c")

        @app.context("arg", k=2)
        class Model:
            def __init__(self, a, k):
                self.a, self.k = a, k

            async def __aenter__(self):
                return self

            async def __aexit__(self, *exc):
                pass

        inst = app.context_instances[Model]
        self.assertEqual((inst.a, inst.k), ("arg", 2))
        with self.assertRaises(RuntimeError):
            app.get_context(Model)  # not entered yet
        app.context_values[Model] = asyncio.run(inst.__aenter__())
        self.assertIs(app.get_context(Model), inst)
        with self.assertRaises(KeyError):
            app.get_context(int)
        with self.assertRaises(TypeError):
            app.context()(int)  # no __aenter__/__aexit__

    def test_image_chain_and_no_ops(self) -> None:
        app = Deployment(name="i")
        img = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
        chained = (img.pip_install("a").apt_get("b").env(A="1").run_script("echo").run_cmd("echo", "hi")
                   .copy("x", "/y").venv("/v").use_system_python().publish_port(8000)
                   .require(query.gpu_ram >= 24000).some_new_method(1))
        self.assertIs(chained, img)
        self.assertIsNone(app.configure_autoscaling(min_load=1))
        self.assertIsNone(app.ensure_ready())


class QueryStandIn(unittest.TestCase):
    def test_comparisons_build_inert_queries(self) -> None:
        q = query.gpu_name.in_([query.RTX_4090, query.H100_SXM])
        self.assertEqual(q.as_dict(), {"gpu_name": {"in": ["RTX 4090", "H100 SXM"]}})
        self.assertEqual((query.cpu_cores >= 8).as_dict(), {"cpu_cores": {"gte": 8}})
        self.assertEqual((query.id_ == 3).as_dict(), {"id": {"eq": 3}})
        both = (query.dph_total < 3.0) & query.gpu_name.notin_([query.A10])
        self.assertEqual(both.as_dict(), {"dph_total": {"lt": 3.0}, "gpu_name": {"notin": ["A10"]}})
        self.assertEqual(query.RTX_PRO_6000_Max_Q, "RTX PRO 6000 Max-Q")
        self.assertEqual(query.P104_100, "P104-100")

    def test_names_match_the_typescript_catalog(self) -> None:
        with open(os.path.join(REPO_ROOT, "src/analysis/catalog/queryColumns.ts"), encoding="utf-8") as f:
            ts = f.read()
        specs = ts[ts.index("const SPECS"):ts.index("const ALIASES")]
        aliases = ts[ts.index("const ALIASES"):ts.index("function build")]
        ts_columns = set(re.findall(r"^\s*\['(\w+)',", specs, re.M)) | set(re.findall(r"^\s*\['(\w+)',", aliases, re.M))
        self.assertGreater(len(ts_columns), 80)
        self.assertEqual(ts_columns, set(query.COLUMN_NAMES))
        for name in ts_columns:
            self.assertIsInstance(getattr(query, name), query.Column)
        with open(os.path.join(REPO_ROOT, "src/analysis/catalog/gpus.ts"), encoding="utf-8") as f:
            gpus = f.read()
        families = gpus[gpus.index("const FAMILIES"):gpus.index("function build")]
        families = re.sub(r"//.*", "", families)
        explicit = dict(re.findall(r"\['(\w+)', '([^']+)'\]", families))
        plain = set(re.findall(r"'(\w+)'", re.sub(r"\['\w+', '[^']+'\]", "", families)))
        family_titles = {"NVIDIA", "AMD", "Titan", "Quadro"}  # quoted family names that are one word
        names = (plain - family_titles) | set(explicit)
        self.assertEqual(names, set(query.GPU_CONSTANTS))
        for name, value in query.GPU_CONSTANTS.items():
            self.assertEqual(value, explicit.get(name, name.replace("_", " ")))


class ExamplesImport(unittest.TestCase):
    """Every example deployment must import under the stand-in (their heavy imports live inside functions)."""

    def test_examples_register_one_benchmarked_function(self) -> None:
        examples = os.path.join(REPO_ROOT, "examples")
        found = 0
        for name in sorted(os.listdir(examples)):
            path = os.path.join(examples, name, "deploy.py")
            if not os.path.exists(path):
                continue
            found += 1
            with self.subTest(name):
                Deployment._reset_registry()
                module = load_file(path, f"example_{name.replace('-', '_')}")
                apps = Deployment._instances
                self.assertEqual(len(apps), 1)
                self.assertIs(module.app, apps[0])
                benchmarked = [f for f in apps[0].remote_functions.values() if f.has_benchmark]
                self.assertEqual(len(benchmarked), 1)
        self.assertGreaterEqual(found, 3)


if __name__ == "__main__":
    unittest.main()
