"""wxcc-desk: script Webex Contact Center station login and diagnose why it fails."""

__version__ = "0.1.0"
