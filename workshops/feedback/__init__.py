"""Feedback after a held workshop: who is asked, the form, and the results."""
