"""The practice's providers: the list and the form (issue 13, item 4)."""
