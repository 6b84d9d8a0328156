"""The wall's screens (pages/wall.py): one module per screen, sized from the browser's viewport."""
PAGE = "wall"
