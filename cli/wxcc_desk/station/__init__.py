"""Station login, status, logout and hold: the flows the station commands run.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
