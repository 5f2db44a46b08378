"""The demo's content as plain Python literals, one module per area (no code)."""
