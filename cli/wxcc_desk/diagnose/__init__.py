"""The diagnose engine: check interface and registry, shared data, runner, many-user runs,
rate limiting and the report model. The checks themselves live in `diagnose.checks`.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
