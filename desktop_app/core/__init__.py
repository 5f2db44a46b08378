"""Qt-free plain data and pure computations: validation, scoring, completion, aggregates."""
