"""Input schemas and output shapes of reviews's RPC methods."""
