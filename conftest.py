"""pytest configuration shared by the library tests and the notebook checks (nbval).

nbval runs each cell with ``store_history=False``. IPython decides whether a trailing ``;``
silences a cell's result by looking at the *stored* input history, so under nbval a cell
ending in ``plot(...);`` also displays its returned figure, and every figure appears twice. Here
the cells run with history stored, exactly as in Jupyter, so the committed outputs and nbval's
agree.
"""

try:
    from nbval.kernel import RunningKernel
except ImportError:  # nbval not installed: nothing to adjust
    RunningKernel = None

if RunningKernel is not None:

    def _execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(
            cell_input,
            store_history=True,
            allow_stdin=allow_stdin,
            stop_on_error=False,
        )

    RunningKernel.execute_cell_input = _execute_cell_input

try:
    from nbval.plugin import IPyNbFile
except ImportError:
    IPyNbFile = None

if IPyNbFile is not None:
    _init = IPyNbFile.__init__

    def _init_skipping_glued_images(self, *args, **kwargs):
        """nbval does not compare images; a figure glued with myst-nb is an
        image too (``application/papermill.record/image/png``), and its bytes
        differ between CPUs as any rendered PNG does."""
        _init(self, *args, **kwargs)
        self.skip_compare = self.skip_compare + (
            "application/papermill.record/image/png",
        )

    IPyNbFile.__init__ = _init_skipping_glued_images
