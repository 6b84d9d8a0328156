"""The service catalogue: one module per e-government app, each ``SERVICE = Service(...)``.

Every module here (not starting with ``_``) is a service of the embedded default; see
core/services.py for what a declaration holds and where each layer finds the service's code,
and docs/services.md for adding one (e-PBB is the worked example).
"""
