"""Run the whole system as local processes: `make dev`, and the end-to-end tests' fixture."""
