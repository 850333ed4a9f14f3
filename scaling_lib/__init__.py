"""scaling_lib: the small library behind the course on neural scaling laws.

Modules
-------
fitting      power-law fits with result objects
flops        parameter, FLOP, memory and time counts for Transformers
kaplan       the scaling laws of Kaplan et al. (2020)
chinchilla   IsoFLOP analysis and the parametric loss of Hoffmann et al. (2022)
emergence    metrics and fits for emergent abilities
inverse      trend classification for inverse scaling
data         loaders for the real data sets shipped in ``scaling_lib/data``
plotting     every figure of the course (the only module that imports matplotlib)
exercises    ``check_*`` helpers that tell a student what is right or wrong
"""

__version__ = "0.1.0"
