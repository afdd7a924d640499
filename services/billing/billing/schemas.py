"""Input schemas and output shapes of billing's RPC methods."""
