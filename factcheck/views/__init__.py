"""Blueprints, one per noun."""
