"""Experiments whose results the app ships (each writes a JSON file under ``checkpoints/``)."""
