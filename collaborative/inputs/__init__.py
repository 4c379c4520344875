"""Input checks every part uses: one-line fields, rate limits, input no page can use."""
