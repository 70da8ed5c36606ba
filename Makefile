# Convenience wrappers; tasks.py is the source of truth and needs only Python.
.PHONY: setup lint test demo bench
setup: ; python3 tasks.py setup
lint: ; python3 tasks.py lint
test: ; python3 tasks.py test
demo: ; python3 tasks.py demo
bench: ; python3 tasks.py bench
