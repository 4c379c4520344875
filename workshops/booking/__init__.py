"""Booking: the rules that decide who gets a place, and the pages where people book."""
