"""Placeholder replaced by the working-day calendar implementation."""
