"""The case library: past deals as data, the library model, the backtest, its views."""
