"""scaling_lib: the small library behind the course on neural scaling laws.

Modules
-------
fitting           power-law fits with result objects
flops             parameter, FLOP, memory and time counts for Transformers
counted           a tiny NumPy Transformer whose FLOPs are counted as it runs
inference         the cost of running a Transformer: FLOPs, memory and time per token
kaplan            the scaling laws of Kaplan et al. (2020)
random_features   a scaling law appearing in random-feature regression
chinchilla        IsoFLOP analysis and the parametric loss of Hoffmann et al. (2022)
emergence         metrics and fits for emergent abilities
inverse           trend classification for inverse scaling
workflow          planning a large run from small ones, with intervals
data_constrained  scaling with repeated data (Muennighoff et al. 2023)
overtraining      models trained past 20 tokens per parameter (Gadre et al. 2024)
lab               the scaling lab: a simulated training service with a FLOP budget
data              loaders for the real data sets shipped in ``scaling_lib/data``
plotting          every figure of the course (the only module that imports matplotlib)
exercises         ``check_*`` helpers that tell a student what is right or wrong

Importing ``scaling_lib`` imports none of them; each module imports SciPy's heavy parts where
it uses them, so that ``import scaling_lib.<module>`` stays quick (tests/test_imports.py).
"""

__version__ = "0.1.0"
