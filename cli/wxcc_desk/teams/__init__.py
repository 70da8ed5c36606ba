"""Microsoft Teams user authentication: status, device-code login, retry and logout.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
