"""The gateway: no data of its own; it authenticates, calls services over RPC, and renders."""
