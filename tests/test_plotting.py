import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neuronale_netze import data, model, plotting  # noqa: E402

X, y = data.model_problem()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """An IPython shell as in a Jupyter kernel (history in memory, profile in tmp_path)."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # as the Makefile sets it
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    yield InteractiveShell.instance(config=config)
    InteractiveShell.clear_instance()


def test_figures_come_out_as_reproducible_svg_only_in_the_style(shell):
    plotting.use_style()
    fig, ax = plt.subplots()
    plotting.plot_fit(ax, X, y, np.ones(4))
    data, _ = shell.display_formatter.format(fig)
    # SVG only: a second format (PDF) would draw every figure a second time; the LaTeX build
    # converts the SVG (sphinxcontrib.rsvgconverter)
    assert "image/svg+xml" in data and "application/pdf" not in data and "image/png" not in data
    svg = data["image/svg+xml"]
    # the same figure gives the same bytes (element ids from svg.hashsalt, not random)
    again, _ = shell.display_formatter.format(fig)
    assert again["image/svg+xml"] == svg
    # glyphs as paths in the SVG (no fonts needed in the browser or by rsvg-convert)
    assert "<text" not in svg and "<path" in svg
    # 6 in wide (432 pt), plus the margin of the tight bounding box
    width = float(svg.split('width="', 1)[1].split("pt", 1)[0])
    assert 432 <= width <= 450


def tick_labels(fig, axis):
    fig.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_tick_labels_have_a_decimal_comma_on_every_kind_of_axis():
    plotting.use_style()
    fig, ax = plt.subplots()
    plotting.plot_fit(ax, X, y, np.array([1.0, 0.0, 1.0, 0.0]))
    for axis in (ax.xaxis, ax.yaxis):
        labels = tick_labels(fig, axis)
        assert "0,2" in labels and "−0,2" in labels and "1,0" in labels, labels
        assert not any("." in t for t in labels)
    # a log axis with labels between the decades: mathtext with {,}
    fig, ax = plt.subplots()
    ax.semilogy([0, 1], [0.15, 0.35])
    ax.yaxis.set_major_formatter(type(ax.yaxis.get_major_formatter())(labelOnlyBase=False))
    ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator([0.2, 10 ** -0.5]))
    labels = tick_labels(fig, ax.yaxis)
    assert labels == ["$\\mathdefault{2\\times10^{-1}}$",
                      "$\\mathdefault{3{,}16228\\times10^{-1}}$"]
    # symlog (plot_ecdf) and 3D axes
    fig, ax = plt.subplots()
    plotting.plot_ecdf(ax, [-0.5, 0.25, 30.0], "$R^2$", xscale="symlog")
    assert tick_labels(fig, ax.yaxis)[:3] == ["0,0", "0,2", "0,4"]
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    ax.plot([0, 0.5], [0, 0.3], [0, 0.7])
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        labels = tick_labels(fig, axis)
        assert labels and all("." not in t for t in labels) and any("," in t for t in labels)


def test_decimal_comma_in_the_offset_and_in_rendered_svg_text():
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot([1.5, 1.50002], [0, 1])
    fig.canvas.draw()
    assert ax.xaxis.get_major_formatter().get_offset() == "1e−5+1,5"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, to read it
        out = io.StringIO()
        fig.savefig(out, format="svg")
    texts = re.findall(r"<text[^>]*>([^<]*)<", out.getvalue())
    assert "1e−5+1,5" in texts and "0,50" in texts and "0,2" in texts
    assert plotting.decimal_comma("−0.25") == "−0,25"
    assert plotting.decimal_comma("$\\mathdefault{10^{0.5}}$") == "$\\mathdefault{10^{0{,}5}}$"


def test_plot_fit_draws_data_and_model_curve():
    fig, ax = plt.subplots()
    w = np.array([1.0, 0.0, 1.0, 0.0])
    plotting.plot_fit(ax, X, y, w)
    data_line, curve = ax.get_lines()
    np.testing.assert_array_equal(data_line.get_ydata(), y)
    xs, ys = curve.get_data()
    np.testing.assert_allclose(ys, model.predict(w, xs.reshape(-1, 1)))
    assert ax.get_title() == ""


def test_plot_loss_curve_is_semilog_and_rejects_nan():
    fig, ax = plt.subplots()
    plotting.plot_loss_curve(ax, [1.0, 0.1, 0.01], label="GD")
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 1, 2])
    with pytest.raises(ValueError, match="losses"):
        plotting.plot_loss_curve(ax, [1.0, np.nan])


def test_plot_loss_surface_and_segment():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    W1, W3 = np.meshgrid(np.linspace(0, 2, 5), np.linspace(-1, 1, 5))
    L = W1**2 + W3**2
    t = np.linspace(0, 1, 5)
    plotting.plot_loss_surface(ax, W1, W3, L, segment=(t, 2 * t, 2 * t - 1), zoff=-1.0)
    assert len(ax.get_lines()) == 2
    assert ax.get_zlim()[0] == pytest.approx(-1.0)


@pytest.mark.parametrize(("n", "k"), [(1, 1), (3, 4), (2, 6)])
def test_plot_network_draws_every_node_and_edge(n, k):
    fig, ax = plt.subplots()
    plotting.plot_network(ax, n, k)
    circles = [p for p in ax.patches if isinstance(p, matplotlib.patches.Circle)]
    assert len(circles) == n + k + 1 + 2  # inputs, neurons, output, two bias nodes
    arrows = [c for c in ax.texts if getattr(c, "arrow_patch", None) is not None]
    assert len(arrows) == n * k + k + k + 1


def test_plot_weights_draws_each_component():
    fig, ax = plt.subplots()
    W = np.arange(12.0).reshape(3, 4)
    plotting.plot_weights(ax, W)
    lines = ax.get_lines()
    assert len(lines) == 4
    for j, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_ydata(), W[:, j])
    assert [t.get_text() for t in ax.get_legend().get_texts()][3] == "$w_{4}$"


def test_plot_trajectory_marks_start_and_end():
    fig, ax = plt.subplots()
    W = np.array([[0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    plotting.plot_trajectory(ax, W, i=0, j=2, label="GD")
    path, start, end = ax.get_lines()
    np.testing.assert_array_equal(path.get_xdata(), W[:, 0])
    np.testing.assert_array_equal(path.get_ydata(), W[:, 2])
    assert (start.get_xdata()[0], start.get_ydata()[0]) == (0.0, 2.0)
    assert (end.get_xdata()[0], end.get_ydata()[0]) == (5.0, 7.0)
    assert ax.get_xlabel() == "$w_{1}$" and ax.get_ylabel() == "$w_{3}$"


def test_plot_final_losses_shows_every_value_and_rejects_bad_ones():
    fig, ax = plt.subplots()
    finals = {"a": [1e-3, 1e-4, 1e-5], "b": [0.1, 0.2]}
    plotting.plot_final_losses(ax, finals, reference=1e-4, reference_label="GD")
    assert ax.get_yscale() == "log"
    points = [ln for ln in ax.get_lines() if ln.get_marker() == "."]
    np.testing.assert_array_equal(points[0].get_ydata(), finals["a"])
    np.testing.assert_array_equal(points[1].get_ydata(), finals["b"])
    assert np.all(np.abs(points[1].get_xdata() - 2) < 0.2)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    with pytest.raises(ValueError, match="finals"):
        plotting.plot_final_losses(ax, {"a": [1.0, np.nan]})


def test_plot_mlp_fit_draws_data_and_network_curve():
    fig, ax = plt.subplots()
    k = 3
    w = np.linspace(-1.0, 1.0, model.n_params(1, k))
    plotting.plot_mlp_fit(ax, X, y, w, k, label="k = 3")
    data_line, curve = ax.get_lines()
    np.testing.assert_array_equal(data_line.get_ydata(), y)
    xs, ys = curve.get_data()
    np.testing.assert_allclose(ys, model.mlp_predict(w, xs.reshape(-1, 1), k))
    assert curve.get_label() == "k = 3"
    plotting.plot_mlp_fit(ax, X, y, w, k, color="C2", data=False)
    assert len(ax.get_lines()) == 3
    with pytest.raises(ValueError, match="^w must"):
        plotting.plot_mlp_fit(ax, X, y, w[:-1], k)


def test_plot_ecdf_steps_through_sorted_values_and_marks():
    fig, ax = plt.subplots()
    plotting.plot_ecdf(ax, [3.0, -1.0, 2.0, 0.5], "$R^2$", label="adam",
                       marks={"Notizen": 0.8}, xscale="symlog")
    curve, mark = ax.get_lines()
    np.testing.assert_array_equal(curve.get_xdata(), [-1.0, 0.5, 2.0, 3.0])
    np.testing.assert_array_equal(curve.get_ydata(), [0.25, 0.5, 0.75, 1.0])
    assert mark.get_xdata()[0] == 0.8
    assert ax.get_xscale() == "symlog"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["adam", "Notizen"]
    with pytest.raises(ValueError, match="values"):
        plotting.plot_ecdf(ax, [1.0, np.inf], "x")
    with pytest.raises(ValueError, match="values"):
        plotting.plot_ecdf(ax, [], "x")


def test_plot_loss_runs_draws_every_run_and_the_median():
    fig, ax = plt.subplots()
    t = np.arange(4)
    losses = np.array([[1.0, 0.5, 0.2, 0.1], [2.0, 1.0, 0.4, 0.3], [4.0, 3.0, 2.0, 1.0]])
    plotting.plot_loss_runs(ax, 10 * t, losses, label="SGD", color="C2", xlabel="Aufwand")
    lines = ax.get_lines()
    assert len(lines) == 4
    np.testing.assert_array_equal(lines[-1].get_ydata(), [2.0, 1.0, 0.4, 0.3])
    np.testing.assert_array_equal(lines[-1].get_xdata(), 10 * t)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "Aufwand"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SGD"]
    with pytest.raises(ValueError, match="^losses must"):
        plotting.plot_loss_runs(ax, t, np.array([[1.0, 0.0, 0.1, 0.1]]))
