"""Every table and figure of the evaluation, as plain functions over pandas DataFrames.

Nothing in this package imports Django (a test enforces it): rows come in from the
selectors as plain records, so evaluators can use the same functions in a notebook.
"""
