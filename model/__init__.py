"""Bayesian decision analysis of a two-level international deal's political feasibility.

The notebook API, in a few lines::

    from model import load_priors, fit, run_summary
    priors = load_priors()                # priors/baseline.toml
    result = fit(priors)                  # NUTS, cached
    run_summary(result)["p_deal"]         # {"mean", "lo", "hi"}

Heavy libraries (PyMC, ArviZ, PreliZ) load only when a function needs them.
"""

from model.errors import InputError

__all__ = ["InputError", "fit", "load_priors", "run_summary"]


def __getattr__(name):
    if name == "load_priors":
        from model.priors import load_priors

        return load_priors
    if name == "fit":
        from model.fit import fit

        return fit
    if name == "run_summary":
        from model.results import run_summary

        return run_summary
    raise AttributeError(name)
