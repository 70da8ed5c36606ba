"""What every layer stands on: errors and exit codes, redaction, tracking IDs, output streams,
the keyring, state files, dial-number rules and the command context.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
