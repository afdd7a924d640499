"""Events reviews publishes and consumes."""
