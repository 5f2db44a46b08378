"""The evaluation kit as data (Qt-free): schema, loader, skip-logic expressions, compiled forms."""
