"""EvalKit Quartiers: evaluate a French contrat de ville with the resource centre's kit."""

__version__ = "0.1.0"
