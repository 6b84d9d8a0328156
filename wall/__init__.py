"""The command-center wall: playlists of screens designed for a room read from 5 m (pages/wall.py)."""
