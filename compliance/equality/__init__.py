"""Equality-monitoring data (special category), in a room of its own: only the fairness
analytics read it, in aggregate."""
