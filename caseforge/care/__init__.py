"""CARE completeness: each item of a reporting guideline judged against a case."""
