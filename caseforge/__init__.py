"""caseforge: clinical case reports as structured, checked data."""

__version__ = "0.1.0"
