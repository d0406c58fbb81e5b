"""Qt item models over the store: each holds plain records and fetches them a page at a time."""
