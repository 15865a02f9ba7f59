"""Generator features exercised end to end: a spec generated, imported and driven against real servers."""
