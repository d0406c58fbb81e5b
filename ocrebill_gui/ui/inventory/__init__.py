"""Vial-lot inventory: receive lots, see what is on hand and what expires soon."""
