"""Events billing publishes and consumes."""
