"""Profiles: the typed profile, its YAML schema, reading with line marks, sources in order
(flags > environment > file > defaults) and validation.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
