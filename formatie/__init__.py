"""Formatietool: the model that turns invoer and a normenset into FTE for leerplicht and the
Doorstroompunt. Pure Python + numpy/scipy: no Flask, no database, no network."""

__version__ = "0.1.0"
