"""Turns a validated case into Markdown and SVG, independent of any site engine.
Each module renders one part of a case page from a validated
:class:`caseforge.source.Document`: plain strings out, every piece of case
text escaped, and the same output for the same case, so that a site engine
(or a test) only places what it is given."""
