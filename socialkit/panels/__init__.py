"""ipywidgets panels for JupyterLab, one module per analysis. Panels call the same pure functions
and chart functions as the static notebook path; they are only built when a notebook runs
interactively (see :func:`socialkit.params.is_interactive`)."""
