"""Plain helpers that barely need Django: environment parsing, canonical encoding, signing."""
