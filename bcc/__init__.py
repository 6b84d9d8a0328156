"""``python -m bcc``: accounts and wall tokens of the command center (see bcc/__main__.py)."""
