"""Who may reach what, and what a request may be: request limits now; login, roles and wall tokens (auth.py)."""
