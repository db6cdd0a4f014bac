"""Helpers the tests share: factories of small objects and the table of malformed inputs."""
