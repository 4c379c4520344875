"""The portal's own pages: home, contact, profile, the public information pages."""
