"""One module per service: streams(service) -> [Stream] and its transforms (see core/services.py)."""
