"""The overview's cards: a tile per service, the most urgent items, the week's changes, freshness."""
PAGE = "overview"
