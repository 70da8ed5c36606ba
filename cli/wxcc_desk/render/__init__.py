"""Every table, JSON document, report file and progress line the tool prints or writes.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
