"""Điều Hành — operations software for Vietnamese local government."""

__version__ = "0.1.0"
