"""One sub-package or module per step of the evaluation."""
