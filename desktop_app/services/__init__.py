"""Use cases shared by the GUI and the CLI. Services own transactions and return plain data."""
