"""The HTTP layer: the client factory, TLS choice and the https rule, retries, tracing.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
