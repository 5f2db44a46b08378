"""Reusable widgets, among them the kit form renderer."""
