"""estate: see and change everything you run on AWS, across every account and region."""

__version__ = "0.1.0"
