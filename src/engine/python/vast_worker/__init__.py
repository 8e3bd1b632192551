"""The local engine's Python worker runtime (standard library only). Run with `python -m vast_worker`."""
