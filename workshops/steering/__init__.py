"""The steering group's work: the year's plan, topic proposals, agendas, sign-off, outcomes."""
