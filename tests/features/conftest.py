"""The committed golden packages under ``golden/`` are compared, never collected as tests."""

collect_ignore = ["golden"]
