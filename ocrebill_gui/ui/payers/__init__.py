"""Payer profiles: view the shipped ones, edit copies that become the user's own."""
