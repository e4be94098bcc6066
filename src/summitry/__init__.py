"""Summitry: hold, plan, keep and show diplomacy at a distance."""

__version__ = "0.1.0"
