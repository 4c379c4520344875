"""The booking pages, a file for each: what each shows to each role, and what a POST changes."""
