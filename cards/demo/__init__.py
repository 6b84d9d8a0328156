"""The delegation demo's cards: the city's story, the services' live numbers, the live
activity feed and the tour's caption bar (pages/demo.py arranges them)."""
PAGE = "demo"
PATH = "/demo"
