"""Sensitivity and value of information: power-scaling, tornado, variance indices, VOI."""
