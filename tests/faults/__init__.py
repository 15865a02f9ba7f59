"""Fault-injection tests of the generated packages against a real local HTTP server."""
