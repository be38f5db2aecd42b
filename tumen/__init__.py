"""Tumen: case management for cross-border movement under written policy."""

__version__ = "0.1.0"
