"""arena_plugin: serve environments, teachers and students to arena from
Python, over arena's plugin protocol (arena.v1 on gRPC, with go-plugin's
handshake and automatic mutual TLS).

A complete plugin::

    import gymnasium
    import arena_plugin

    arena_plugin.serve(envs={"CartPole-v1": lambda: gymnasium.make("CartPole-v1")})

See PLUGINS.md, section "Writing a plugin in Python".
"""

from .server import PROTOCOL_MINOR, Server, logger, serve
from .types import (Adam, Batch, Box, Discrete, EnvSpec, InvalidArgument, Labels, NeedsReset, Size,
                    StudentConfig)

__all__ = ["serve", "Server", "logger", "PROTOCOL_MINOR", "Adam", "Batch", "Box", "Discrete", "EnvSpec",
           "InvalidArgument", "Labels", "NeedsReset", "Size", "StudentConfig"]
__version__ = "0.1.0"
