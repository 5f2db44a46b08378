"""Thin Qt table models over plain rows (no SQL inside)."""
