"""Layer 2: inference: the PyMC model, NUTS fits, the posterior cache and prior draws."""
