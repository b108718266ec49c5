"""programme-scout: study-programme listings from the big portals, reconciled into one record per programme.

The application layer above the three stage packages (`scrapers` → `normalize` → `output`): settings every stage
reads (`programme_scout.settings`) and the run as the list of its stages (`programme_scout.pipeline`).
"""
