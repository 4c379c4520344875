"""The public News and events page and its Atom feed."""
