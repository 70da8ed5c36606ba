"""Where tokens come from, how they are refreshed, and the browser login with its loopback listener.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
