"""The Gymnasium bridge: a plugin serving every environment registered with
Gymnasium by its ID, made with gymnasium.make (so with its TimeLimit) and
seeded by Gymnasium's own reset(seed=...).

    arena-gymnasium [ID ...]

With IDs, it offers those only (each must be registered); without, every
registered environment whose code imports here (Box2D and MuJoCo ones need
their own packages)."""

from __future__ import annotations

import importlib
import sys
import warnings


def _servable(env_id, spec) -> bool:
    """Whether the environment can be made here and its spaces cross the
    protocol (Box and Discrete only)."""
    import gymnasium

    from .types import space_from_gym

    entry = spec.entry_point
    if not isinstance(entry, str):
        return False  # Gymnasium registers removed environments as functions that raise
    try:
        importlib.import_module(entry.split(":")[0])
        env = gymnasium.make(env_id, disable_env_checker=True)
        try:
            space_from_gym(env.observation_space)
            space_from_gym(env.action_space)
        finally:
            env.close()
    except Exception:  # noqa: BLE001 - a missing optional dependency, a space of another kind
        return False
    return True


def makers(ids=None):
    import gymnasium

    if ids:
        unknown = [i for i in ids if i not in gymnasium.registry]
        if unknown:
            raise SystemExit(f"arena-gymnasium: {', '.join(unknown)} not registered with Gymnasium "
                             f"{gymnasium.__version__}")
        known = list(ids)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecation notices of old versions we only look at
            known = sorted(i for i, spec in gymnasium.registry.items() if _servable(i, spec))
    return {env_id: (lambda env_id=env_id: gymnasium.make(env_id)) for env_id in known}


def main(argv=None):
    import gymnasium

    from . import serve

    args = sys.argv[1:] if argv is None else argv
    serve(envs=makers(args), name="gymnasium", version=gymnasium.__version__)


if __name__ == "__main__":
    main()
