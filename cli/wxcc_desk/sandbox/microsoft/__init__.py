"""The sandbox's Microsoft side: Entra device-code grant, Graph `/me` and presence, and controls.

Imported for nothing: each module is imported where it is used, so start-up stays light.
"""
