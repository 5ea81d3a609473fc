"""DUO for a JOB experience report as reproducible software."""

__version__ = "0.1.0"
