"""Tests of the default-client module generated with ``module_functions = true``."""
