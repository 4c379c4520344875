"""Which workshop and booking event tells whom, with calendar files and each person's feed."""
