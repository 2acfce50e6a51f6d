"""Notebook parameters: parsed from the tagged cell, validated before any kernel starts."""

import pytest

from socialkit.exceptions import ParameterError, ParametersError
from socialkit.params import check_parameters, closest, notebook_parameters, parse_parameters, validate_parameters

DEMO = "tests/data/notebooks/params_demo.ipynb"

CELL = '''
brand = "summit_outfitters"  # sample brand
k: int | str = "auto"  # number of segments or "auto"
features: list | str = ["a", "b"]  # columns or a regex
audience_path: str | None = None  # survey file
token: str = ""  # [secret] API token
'''


def test_parse_parameters_types_defaults_help():
    p = parse_parameters(CELL)
    assert list(p) == ["brand", "k", "features", "audience_path", "token"]
    assert p["brand"].default == "summit_outfitters" and p["brand"].help == "sample brand"
    assert p["k"].type_name == "int | str" and p["features"].default == ["a", "b"]
    assert p["token"].secret and not p["brand"].secret
    assert p["audience_path"].is_path


def test_parameters_cell_must_be_plain():
    with pytest.raises(ParameterError, match="plain"):
        parse_parameters("x = 1\nprint(x)")
    with pytest.raises(ParameterError, match="literal"):
        parse_parameters("x = len('a')  # no")


def test_unknown_parameter_suggests_close_name():
    with pytest.raises(ParametersError) as err:
        validate_parameters("demo", {"brnad": "x"}, declared=parse_parameters(CELL))
    assert err.value.errors[0].suggestion == "brand" and "Did you mean 'brand'?" in str(err.value)


def test_wrong_type_and_missing_file_reported_together(tmp_path):
    with pytest.raises(ParametersError) as err:
        validate_parameters("demo", {"k": 2.5, "audience_path": str(tmp_path / "nope.csv")},
                            declared=parse_parameters(CELL))
    names = [e.name for e in err.value.errors]
    assert names == ["k", "audience_path"]
    assert "must be of type int | str. Got 2.5" in str(err.value) and "names no file" in str(err.value)


def test_valid_values_merge_with_defaults(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x\n1\n")
    out = validate_parameters("demo", {"k": 4, "audience_path": str(f)}, declared=parse_parameters(CELL))
    assert out["k"] == 4 and out["brand"] == "summit_outfitters"
    with pytest.raises(ParametersError):
        validate_parameters("demo", {"k": True}, declared=parse_parameters(CELL))  # bool is not an int


def test_check_parameters_reads_the_namespace_like_a_kernel():
    ns = {"__name__": "__main__", "In": [], "Out": {}, "get_ipython": print, "_": None,
          "greeting": "hi", "times": 3, "fail": False, "api_token": "", "data_path": None}
    assert check_parameters(ns, DEMO)["times"] == 3
    with pytest.raises(ParametersError, match="'tmes'.*Did you mean 'times'"):
        check_parameters({**ns, "tmes": 4}, DEMO)


def test_notebook_parameters_from_file():
    params = notebook_parameters(DEMO)
    assert params["api_token"].secret and params["times"].default == 2


def test_unknown_notebook_suggests():
    with pytest.raises(ParameterError, match="names no notebook"):
        notebook_parameters("no_such_notebook")


def test_closest():
    assert closest("audiance_path", ["audience_path", "posts_path"]) == "audience_path"
    assert closest("zzz", ["audience_path"]) is None


def test_rerunning_setup_after_other_cells_is_not_an_error():
    import pandas as pd

    ns = {"In": [], "greeting": "hi", "times": 3, "fail": False, "api_token": "", "data_path": None,
          "params": {"times": 3}, "frame": pd.DataFrame({"a": [1]})}
    assert check_parameters(ns, DEMO)["times"] == 3  # params (dict) and a DataFrame are the notebook's own
    with pytest.raises(ParametersError, match="'tmes'"):
        check_parameters({**ns, "tmes": 4}, DEMO)  # an injected literal that is declared nowhere


def test_organisation_label():
    from socialkit.params import organisation_label

    assert organisation_label({"brand": "acme", "initiatives_path": None}, "initiatives") == "acme"
    assert organisation_label({"brand": "acme", "initiatives_path": "mine.csv"}, "initiatives") == "this organisation"
