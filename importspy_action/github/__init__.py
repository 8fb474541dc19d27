"""Everything that knows about GitHub: the run's context and the Checks API sender."""
