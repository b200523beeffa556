"""The Python package against the C library and the siamcl command.

CTest runs this with PYTHONPATH at the build's python/ folder and SIAMCL_SHARED,
SIAMCL_CLI and SIAMCL_SOURCE set (see CMakeLists.txt)."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import siamcl

SHARED = os.environ.get("SIAMCL_SHARED", "../shared")
CLI = os.environ.get("SIAMCL_CLI", "siamcl")
SOURCE = os.environ.get("SIAMCL_SOURCE", ".")
CROSSING = os.path.join(SHARED, "data", "otb", "Crossing")
N = 20


@pytest.fixture(scope="module")
def seq():
    return siamcl.Sequence(CROSSING)


@pytest.fixture(scope="module")
def frames(seq):
    return [seq[i] for i in range(N)]


def cli_boxes(model, n, extra=()):
    out = subprocess.run([CLI, "track", "--model", model, "--seq", CROSSING, "--frames", str(n), "-q", *extra],
                         check=True, capture_output=True, text=True).stdout
    return np.array([[float(v) for v in line.split(",")] for line in out.split()])


def track(t, frames, box, **kw):
    t.init(frames[0], box)
    boxes = [list(box)]
    for f in frames[1:]:
        b, s = t.update(f)
        boxes.append(list(b))
    return np.array(boxes)


def test_devices():
    d = siamcl.devices()
    assert d and {"platform", "name", "type", "memory"} <= set(d[0])
    assert d[0]["memory"] > 0 and d[0]["type"] in ("cpu", "gpu", "accelerator")


def test_sequence_and_image(seq):
    assert seq.name == "Crossing" and len(seq) == 120
    assert seq.groundtruth.shape == (120, 4)
    img = siamcl.load_image(seq.frame_paths[0])
    assert img.dtype == np.uint8 and img.shape == (240, 360, 3)
    assert np.array_equal(img, seq[0]) and np.array_equal(seq[-1], seq[119])
    with pytest.raises(IndexError):
        seq[120]


@pytest.mark.parametrize("model", ["nanotrack-v2", "siamfc-alexnet"])
def test_tracker_equals_cli(frames, seq, model):
    n = N if model == "nanotrack-v2" else 6
    ref = cli_boxes(model, n)
    with siamcl.Tracker(model) as t:
        got = track(t, frames[:n], tuple(seq.groundtruth[0]))
    assert np.abs(got - ref).max() <= 1e-4


def test_bgr_zero_based_and_strided(frames, seq):
    gt0 = tuple(seq.groundtruth[0])
    ref = track(siamcl.Tracker("nanotrack-v2"), frames[:8], gt0)
    bgr = [np.ascontiguousarray(f[:, :, ::-1]) for f in frames[:8]]
    t = siamcl.Tracker("nanotrack-v2", bgr=True, zero_based=True)
    got = track(t, bgr, (gt0[0] - 1, gt0[1] - 1, gt0[2], gt0[3]))
    got[:, :2] += 1
    assert np.abs(got - ref).max() <= 1e-4
    # a strided view (every other column of a wider array) is accepted and copied
    wide = [np.repeat(f, 2, axis=1)[:, ::2] for f in frames[:8]]
    assert not wide[0].flags.c_contiguous
    got = track(siamcl.Tracker("nanotrack-v2"), wide, gt0)
    assert np.abs(got - ref).max() <= 1e-4


def test_group_equals_trackers(frames):
    boxes = [(205, 151, 17, 50), (100, 100, 40, 40)]
    singles = [track(siamcl.Tracker("nanotrack-v2"), frames[:6], b) for b in boxes]
    g = siamcl.Group("nanotrack-v2")
    ids = [g.add(frames[0], b) for b in boxes]
    assert ids == [0, 1] and len(g) == 2
    for i, f in enumerate(frames[1:6], start=1):
        res = g.update(f)
        assert set(res) == {0, 1}
        for k in ids:
            assert np.abs(np.array(res[k][0]) - singles[k][i]).max() <= 1e-4
    g.remove(0)
    assert set(g.update(frames[6])) == {1}
    with pytest.raises(siamcl.OutOfRangeError):
        g.remove(0)
    g.close()
    with pytest.raises(siamcl.StateError):
        g.update(frames[7])


def test_bad_inputs(frames):
    t = siamcl.Tracker("nanotrack-v2")
    with pytest.raises(siamcl.StateError):
        t.update(frames[0])  # before init
    with pytest.raises(siamcl.ArgumentError):
        t.init(frames[0].astype(np.float32), (1, 1, 10, 10))
    with pytest.raises(siamcl.ArgumentError):
        t.init(frames[0][:, :, 0], (1, 1, 10, 10))
    with pytest.raises(siamcl.ArgumentError):
        t.init(np.zeros((10, 10, 4), np.uint8), (1, 1, 5, 5))
    with pytest.raises(siamcl.ArgumentError):
        t.init([[1, 2, 3]], (1, 1, 5, 5))
    with pytest.raises(siamcl.ArgumentError):
        t.init(frames[0], (1, 2, 3))
    with pytest.raises(siamcl.OutOfRangeError) as e:
        t.init(frames[0], (5000, 5000, 10, 10))
    assert e.value.status == -30012 and "outside" in str(e.value)
    with pytest.raises(siamcl.OutOfRangeError):
        t.init(frames[0], (10, 10, -1, 5))
    t.init(frames[0], (205, 151, 17, 50))
    t.close()
    t.close()  # twice is fine
    with pytest.raises(siamcl.StateError):
        t.update(frames[1])
    with pytest.raises(siamcl.FileError):
        siamcl.Tracker("no-such-model")
    with pytest.raises(siamcl.FileError):
        siamcl.load_image("/no/such.png")
    with pytest.raises(siamcl.FileError):
        siamcl.Sequence("/no/such/folder")
    with pytest.raises(siamcl.DeviceError):
        siamcl.Tracker("nanotrack-v2", device="no-such-device")
    assert issubclass(siamcl.ArgumentError, ValueError) and issubclass(siamcl.FileError, OSError)


def test_threads_equal_sequential(frames, seq):
    boxes = [(205, 151, 17, 50), (100, 100, 40, 40)]
    seqres = [track(siamcl.Tracker("nanotrack-v2"), frames[:8], b) for b in boxes]
    out = [None, None]

    def run(k):
        out[k] = track(siamcl.Tracker("nanotrack-v2"), frames[:8], boxes[k])

    th = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    for k in range(2):
        assert np.abs(out[k] - seqres[k]).max() <= 1e-4


def test_evaluate(seq, frames):
    gt = seq.groundtruth[:N]
    perfect = siamcl.evaluate(gt, gt)
    # IoU = 1 passes every threshold but the last ("IoU > 1"): 20 of 21
    assert perfect["auc"] == pytest.approx(20 / 21) and perfect["precision20"] == 1.0
    got = track(siamcl.Tracker("nanotrack-v2"), frames, tuple(gt[0]))
    r = siamcl.evaluate(got, gt)
    assert 0.5 < r["auc"] <= 1 and r["success"].shape == (21,) and r["precision"].shape == (51,)
    assert r["auc"] == pytest.approx(r["success"].mean())
    with pytest.raises(siamcl.ArgumentError):
        siamcl.evaluate(gt[:3], gt[:4])


def test_example_script(tmp_path):
    out = subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "track.py"), "nanotrack-v2", CROSSING,
                          "--frames", "5"], check=True, capture_output=True, text=True)
    lines = out.stdout.split("\n")
    assert lines[0].startswith("1 205.0000,151.0000,17.0000,50.0000")
    assert "fps" in out.stderr
    if siamcl.video_available():  # the library's video reader from Python
        clip = str(tmp_path / "c.mkv")
        subprocess.run([CLI, "track", "--model", "nanotrack-v2", "--seq", CROSSING, "--frames", "5", "-q",
                        "--vis", clip], check=True, capture_output=True)
        frames = list(siamcl.Video(clip))
        assert len(frames) == 5 and frames[0].shape == (240, 360, 3)
