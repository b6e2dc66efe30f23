"""Text outputs of `check` (findings as text, JSON, SARIF) and `plan` (address plan tables)."""
