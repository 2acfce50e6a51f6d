"""One report: validated, executed in a kernel, secrets scrubbed, failures kept and marked."""

from pathlib import Path

import nbformat
import pytest

from socialkit.exceptions import NotebookExecutionError, ParametersError
from socialkit.execute import execute

DEMO = "tests/data/notebooks/params_demo.ipynb"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def repo_kernels():
    """Warm kernels started in the checkout (the demo notebook names itself by its path there)."""
    from socialkit.kernels import WarmKernelPool

    pool = WarmKernelPool(preimport=True, cwd=str(ROOT))
    yield pool
    pool.close()


@pytest.mark.notebook
def test_secret_never_reaches_the_output(tmp_path, repo_kernels):
    out = tmp_path / "demo.ipynb"
    result = execute(DEMO, {"api_token": "tok-9f8e7d", "times": 3}, output=out, kernel_manager=repo_kernels.take())
    text = out.read_text()
    assert "tok-9f8e7d" not in text and "[secret]" in text
    assert "hellohellohello" in text  # it really ran, with the injected value
    assert "token length 10" in text  # the kernel saw the real secret
    assert result.secrets == {"api_token"}


@pytest.mark.notebook
def test_failing_notebook_keeps_partial_output_with_marked_cell(tmp_path, repo_kernels):
    out = tmp_path / "fail.ipynb"
    with pytest.raises(NotebookExecutionError) as err:
        execute(DEMO, {"fail": True}, output=out, kernel_manager=repo_kernels.take())
    assert err.value.ename == "ValueError" and str(out) in str(err.value)
    nb = nbformat.read(out, as_version=4)
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.get("tags", [])
    text = out.read_text()
    assert "hellohello" in text and "failing on purpose" in text


def test_bad_parameter_fails_before_any_kernel(tmp_path):
    out = tmp_path / "never.ipynb"
    with pytest.raises(ParametersError, match="Did you mean 'times'"):
        execute(DEMO, {"tims": 1}, output=out)
    assert not out.exists()


@pytest.mark.notebook
def test_secret_in_an_error_message_is_masked_everywhere(tmp_path, repo_kernels):
    out = tmp_path / "fail.ipynb"
    result = execute(DEMO, {"fail": True, "api_token": "tok-in-error-77"}, output=out, raise_on_error=False,
                     kernel_manager=repo_kernels.take())
    assert "failing on purpose" in result.error.evalue
    assert "tok-in-error-77" not in result.error.evalue and "tok-in-error-77" not in str(result.error)
    assert "tok-in-error-77" not in out.read_text()


def test_a_kit_kernel_leaves_charts_as_specs_and_the_writer_draws_them(monkeypatch):
    import altair as alt
    import pandas as pd

    from socialkit import charts

    bars = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(x="x:N", y="y:Q")
    dense = charts.rasterised(alt.Chart(pd.DataFrame({"x": range(50), "y": range(50)})).mark_point()
                              .encode(x="x:Q", y="y:Q"))
    monkeypatch.setenv("SOCIALKIT_DEFER_CHARTS", "1")
    with alt.renderers.enable(charts.STATIC_RENDERER):
        left = [chart._repr_mimebundle_() for chart in (bars, dense)]
    assert all(charts.DEFERRED_MIME in (b[0] if isinstance(b, tuple) else b) for b in left)
    outputs = [{"output_type": "display_data", "data": b[0] if isinstance(b, tuple) else b, "metadata": {}}
               for b in left]
    outputs.append({"output_type": "display_data", "metadata": {},
                    "data": {charts.DEFERRED_MIME: {"spec": {"mark": "no-such-mark"}}}})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("chart", outputs=outputs)])
    assert charts.render_deferred(nb) == 2
    svg, png, broken = (o["data"] for o in nb.cells[0].outputs)
    assert svg["image/svg+xml"].lstrip().startswith("<svg")
    import base64
    assert base64.b64decode(png["image/png"]).startswith(b"\x89PNG")
    assert "could not be drawn" in broken["text/plain"]
    nbformat.validate(nb)


@pytest.mark.notebook
def test_an_executed_notebook_carries_drawn_charts_not_specs(tmp_path, kernel_pool):
    from socialkit import charts

    out = tmp_path / "02.ipynb"
    execute("notebooks/02_relationship_depth.ipynb", {"brand": "summit_outfitters", "interactive": False}, output=out,
            kernel_manager=kernel_pool.take())
    text = out.read_text()
    assert charts.DEFERRED_MIME not in text
    assert text.count("image/svg+xml") >= 3
