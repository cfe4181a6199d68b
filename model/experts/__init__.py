"""Several experts: the linear opinion pool, its tables and its report section."""
