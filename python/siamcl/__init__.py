"""siamcl: fully-convolutional Siamese trackers (SiamFC, SiamFC+, NanoTrack) on any OpenCL device.

Used the way OpenCV's trackers are::

    import siamcl
    t = siamcl.Tracker("nanotrack-v2")        # a model name, or a .model file
    t.init(frame, (x, y, w, h))                # frame: numpy uint8 H x W x 3, RGB
    box, score = t.update(next_frame)

Frames are numpy ``uint8`` arrays of shape (H, W, 3), RGB by default; pass
``bgr=True`` for frames from OpenCV. Any C-contiguous or strided array is
accepted (copied only when it must be). Boxes are ``(x, y, w, h)`` in OTB's
convention, a 1-based top-left corner in pixels, unless ``zero_based=True``
(OpenCV's convention: 0-based top-left).

The OpenCL device comes from the SIAMCL_PLATFORM / SIAMCL_DEVICE /
SIAMCL_DEVICE_TYPE environment variables, or from a ``device=`` argument in the
same syntax (an index or a name substring; a comma list for groups). Models are
found by name in SIAMCL_MODELS, then in the installed share/siamcl/models.

Every failure raises a :class:`siamcl.Error` subclass carrying the library's
status code and message. The GIL is released while the library works, so
trackers in several threads run in parallel.
"""
import ctypes as _ct
import threading as _threading

from . import _capi

__all__ = ["Error", "ArgumentError", "OutOfRangeError", "FileError", "FormatError", "UnsupportedError",
           "StateError", "DeviceError", "devices", "Tracker", "Group", "load_image", "Sequence", "Video",
           "evaluate", "video_available"]

# ---- errors ----------------------------------------------------------------------------------


class Error(Exception):
    """A siamcl failure. ``status`` is the library's status code (negative OpenCL codes pass
    through), ``message`` the library's explanation."""

    def __init__(self, message, status=-30001):
        super().__init__(message)
        self.status = status
        self.message = message


class ArgumentError(Error, ValueError):
    """A bad argument: wrong frame dtype or shape, a malformed box, a bad value."""


class OutOfRangeError(ArgumentError):
    """A box outside the frame, an index or id that does not exist."""


class FileError(Error, OSError):
    """A missing or unreadable file (model, image, sequence, video)."""


class FormatError(Error):
    """A corrupt or malformed file."""


class UnsupportedError(Error):
    """An op, format or feature this build does not handle."""


class StateError(Error):
    """A call out of order: update before init, or a closed tracker."""


class DeviceError(Error):
    """No OpenCL platform or device, device memory, kernel builds, OpenCL errors."""


_BY_STATUS = {-30001: ArgumentError, -30002: MemoryError, -30003: DeviceError, -30004: DeviceError,
              -30005: DeviceError, -30006: FileError, -30007: FormatError, -30008: UnsupportedError,
              -30009: ArgumentError, -30010: DeviceError, -30011: DeviceError, -30012: OutOfRangeError,
              -30013: StateError}


def _check(status, what=""):
    if status == 0:
        return
    msg = (_capi.last_error() or b"").decode("utf-8", "replace")
    text = (_capi.status_string(status) or b"").decode()
    full = "%s%s (%s, status %d)" % (what + ": " if what else "", msg or text, text, status)
    cls = _BY_STATUS.get(status, DeviceError if status > -10000 else Error)
    if cls is MemoryError:
        raise MemoryError(full)
    raise cls(full, status)


def _b(s):
    return None if s is None else str(s).encode()


def _np():
    try:
        import numpy
    except ImportError as e:  # pragma: no cover - numpy ships with the package's dependencies
        raise UnsupportedError("siamcl needs numpy for frames (Debian: python3-numpy): %s" % e) from None
    return numpy


# ---- frames and boxes ------------------------------------------------------------------------


def _frame(frame, bgr):
    """A contiguous RGB uint8 H x W x 3 array (a copy only when needed) and the C image over it."""
    np = _np()
    if not isinstance(frame, np.ndarray):
        raise ArgumentError("a frame is a numpy array, got %s" % type(frame).__name__)
    if frame.dtype != np.uint8:
        raise ArgumentError("a frame is uint8, got %s" % frame.dtype)
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.shape[0] < 1 or frame.shape[1] < 1:
        raise ArgumentError("a frame is H x W x 3, got shape %s" % (frame.shape,))
    if bgr:
        frame = frame[:, :, ::-1]
    frame = np.ascontiguousarray(frame)
    img = _capi.Image(frame.shape[1], frame.shape[0], frame.ctypes.data_as(_ct.POINTER(_ct.c_uint8)))
    return frame, img


def _box_in(box, zero_based):
    try:
        x, y, w, h = (float(v) for v in box)
    except (TypeError, ValueError):
        raise ArgumentError("a box is (x, y, w, h), got %r" % (box,)) from None
    off = 1.0 if zero_based else 0.0
    return _capi.Box(x + off, y + off, w, h)


def _box_out(b, zero_based):
    off = 1.0 if zero_based else 0.0
    return (float(b.x) - off, float(b.y) - off, float(b.w), float(b.h))


# ---- devices and contexts --------------------------------------------------------------------

_TYPES = {0: "all", 1: "gpu", 2: "cpu", 3: "accelerator"}


def devices():
    """Every OpenCL device of every platform, as a list of dicts: ``platform``, ``platform_index``,
    ``index`` (within its platform), ``name``, ``vendor``, ``type`` ("gpu", "cpu",
    "accelerator"), ``memory`` (bytes), ``compute_units``, ``driver``, ``opencl_c``."""
    n = _ct.c_int(0)
    _check(_capi.devices_list(None, 0, _ct.byref(n)), "listing devices")
    arr = (_capi.DeviceInfo * max(n.value, 1))()
    _check(_capi.devices_list(arr, n.value, _ct.byref(n)), "listing devices")
    out = []
    for d in arr[:n.value]:
        out.append({"platform": d.platform_name.decode(), "platform_index": d.platform_index,
                    "index": d.device_index, "name": d.name.decode(), "vendor": d.vendor.decode(),
                    "type": _TYPES.get(d.type, "?"), "memory": int(d.global_mem_bytes),
                    "compute_units": int(d.compute_units), "driver": d.driver_version.decode(),
                    "opencl_c": d.opencl_c_version.decode()})
    return out


class _Context:
    def __init__(self, device):
        self.ptr = _ct.c_void_p()
        params = _capi.ContextParams(None, _b(device), 0, None)
        _check(_capi.context_create(_ct.byref(params), _ct.byref(self.ptr)), "creating the OpenCL context")

    def close(self):
        if self.ptr:
            _capi.context_free(self.ptr)
            self.ptr = _ct.c_void_p()


def _desc(model, models_dir):
    d = _capi.TrackerDesc()
    _check(_capi.desc_load(_b(model), _b(models_dir), _ct.byref(d)), "model %r" % (model,))
    return d


# ---- trackers --------------------------------------------------------------------------------


class Tracker:
    """One target tracked by a Siamese network, like OpenCV's ``TrackerNano``.

    ``Tracker(model, device=None, models_dir=None, bgr=False, zero_based=False)``

    - ``model``: a model name (``"siamfc-alexnet"``, ``"ciresnet22"``, ``"nanotrack-v2"``,
      ``"nanotrack-v3"``) or the path of a ``.model`` description.
    - ``device``: the OpenCL device in SIAMCL_DEVICE syntax (default: the environment).
    - ``models_dir``: where the description's ONNX files are searched (default: beside it).
    - ``bgr``: frames are BGR (OpenCV) instead of RGB.
    - ``zero_based``: boxes use a 0-based top-left corner (OpenCV) instead of OTB's 1-based one.

    ``init(frame, box)`` starts tracking ``box`` = (x, y, w, h) in ``frame``;
    ``update(frame)`` returns ``((x, y, w, h), score)`` for the next frame. The score is the
    peak of the chosen response (SiamFC) or the target probability (NanoTrack). A box outside
    the frame raises :class:`OutOfRangeError`; ``update`` before ``init`` raises
    :class:`StateError`. ``close()`` (or a ``with`` block) frees the device memory at once.
    """

    def __init__(self, model, device=None, models_dir=None, bgr=False, zero_based=False):
        self.bgr, self.zero_based = bool(bgr), bool(zero_based)
        self._lock = _threading.Lock()
        self._ptr = _ct.c_void_p()
        self._desc = _desc(model, models_dir)
        self.name = self._desc.name.decode()
        self._ctx = _Context(device)
        st = _capi.tracker_create(self._ctx.ptr, 0, _ct.byref(self._desc), _ct.byref(self._ptr))
        if st:
            self._ctx.close()
            _check(st, "creating the tracker")

    def _handle(self):
        if not self._ptr:
            raise StateError("this tracker is closed", -30013)
        return self._ptr

    def init(self, frame, box):
        """Start (or restart) tracking ``box`` = (x, y, w, h) in ``frame``."""
        arr, img = _frame(frame, self.bgr)
        b = _box_in(box, self.zero_based)
        with self._lock:
            _check(_capi.tracker_init(self._handle(), _ct.byref(img), b), "init")

    def update(self, frame):
        """Track into ``frame``; returns ``((x, y, w, h), score)``."""
        arr, img = _frame(frame, self.bgr)
        out, score = _capi.Box(), _ct.c_float()
        with self._lock:
            _check(_capi.tracker_update(self._handle(), _ct.byref(img), _ct.byref(out), _ct.byref(score)),
                   "update")
        return _box_out(out, self.zero_based), float(score.value)

    def close(self):
        """Free the tracker and its OpenCL context; later calls raise :class:`StateError`."""
        with self._lock:
            if self._ptr:
                _capi.tracker_free(self._ptr)
                self._ptr = _ct.c_void_p()
            self._ctx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return "siamcl.Tracker(%r%s)" % (self.name, "" if self._ptr else ", closed")


class Group:
    """Many targets of one video tracked together: one batched search pass per device and frame.

    ``Group(model, devices=None, models_dir=None, bgr=False, zero_based=False)``;
    ``devices`` selects one or several OpenCL devices (SIAMCL_DEVICE syntax, e.g. ``"0,1"``);
    the SIAMCL_SCHEDULE environment variable places the targets on them.

    ``add(frame, box) -> id`` (ids 0, 1, 2, ... never reused), ``remove(id)``,
    ``update(frame) -> {id: ((x, y, w, h), score)}``. A target the library could not track on a
    frame (a failed device) is left out of that frame's dict; ``update`` raises only when no
    target could be tracked. Results equal those of a :class:`Tracker` per target.
    """

    def __init__(self, model, devices=None, models_dir=None, bgr=False, zero_based=False):
        self.bgr, self.zero_based = bool(bgr), bool(zero_based)
        self._lock = _threading.Lock()
        self._ptr = _ct.c_void_p()
        self._desc = _desc(model, models_dir)
        self._ctx = _Context(devices)
        st = _capi.group_create(self._ctx.ptr, _ct.byref(self._desc), None, _ct.byref(self._ptr))
        if st:
            self._ctx.close()
            _check(st, "creating the tracker group")

    def _handle(self):
        if not self._ptr:
            raise StateError("this group is closed", -30013)
        return self._ptr

    def add(self, frame, box):
        """Start tracking ``box`` in ``frame``; returns the new target's id."""
        arr, img = _frame(frame, self.bgr)
        b, gid = _box_in(box, self.zero_based), _ct.c_int(-1)
        with self._lock:
            _check(_capi.group_add(self._handle(), _ct.byref(img), b, _ct.byref(gid)), "add")
        return gid.value

    def remove(self, target_id):
        """Stop tracking target ``target_id`` (:class:`OutOfRangeError` if there is none)."""
        with self._lock:
            _check(_capi.group_remove(self._handle(), int(target_id)), "remove")

    def __len__(self):
        return _capi.group_count(self._ptr) if self._ptr else 0

    def update(self, frame):
        """Track every target into ``frame``: ``{id: ((x, y, w, h), score)}``."""
        arr, img = _frame(frame, self.bgr)
        with self._lock:
            h = self._handle()
            cap = max(_capi.group_count(h), 1)
            res, n = (_capi.GroupResult * cap)(), _ct.c_int(0)
            st = _capi.group_update(h, _ct.byref(img), res, cap, _ct.byref(n))
        out = {r.id: (_box_out(r.box, self.zero_based), float(r.score)) for r in res[:min(n.value, cap)]
               if r.status == 0}
        if st and not out:
            _check(st, "update")
        return out

    def close(self):
        """Free the group and its OpenCL context; later calls raise :class:`StateError`."""
        with self._lock:
            if self._ptr:
                _capi.group_free(self._ptr)
                self._ptr = _ct.c_void_p()
            self._ctx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


# ---- images, sequences, videos, evaluation ---------------------------------------------------


def _take(img):
    """Copy a library image into a numpy array and free it."""
    np = _np()
    try:
        n = img.width * img.height * 3
        buf = _ct.cast(img.data, _ct.POINTER(_ct.c_uint8 * n)).contents
        return np.frombuffer(buf, dtype=np.uint8).reshape(img.height, img.width, 3).copy()
    finally:
        _capi.image_free(_ct.byref(img))


def load_image(path):
    """Decode a PNG or JPEG file into an RGB ``uint8`` array of shape (H, W, 3)."""
    img = _capi.Image()
    _check(_capi.image_load(_b(path), _ct.byref(img)), "image %r" % (path,))
    return _take(img)


class Sequence:
    """An image sequence: an OTB folder (``img/NNNN.jpg`` + ``groundtruth_rect[.K].txt``) or a
    plain folder of frames.

    ``len(seq)`` frames; ``seq[i]`` or iteration gives RGB arrays; ``seq.groundtruth`` is an
    (N, 4) float array of OTB boxes (rows only for frames that have one); ``seq.name``;
    ``seq.frame_paths``. ``target`` picks ``groundtruth_rect.K.txt`` (e.g. Jogging: 1 or 2).
    """

    def __init__(self, path, target=0):
        self._ptr = _ct.c_void_p()
        _check(_capi.sequence_open(_b(path), int(target), _ct.byref(self._ptr)), "sequence %r" % (path,))
        self.name = _capi.sequence_name(self._ptr).decode()
        np = _np()
        n = _capi.sequence_groundtruth_count(self._ptr)
        gt, b = np.zeros((n, 4), dtype=np.float64), _capi.Box()
        for i in range(n):
            if _capi.sequence_groundtruth(self._ptr, i, _ct.byref(b)):
                gt[i] = (b.x, b.y, b.w, b.h)
        self.groundtruth = gt
        self.frame_paths = [_capi.sequence_frame_path(self._ptr, i).decode() for i in range(len(self))]

    def __len__(self):
        return _capi.sequence_length(self._ptr) if self._ptr else 0

    def __getitem__(self, i):
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("frame %d of %d" % (i, len(self)))
        img = _capi.Image()
        _check(_capi.sequence_load_frame(self._ptr, i, _ct.byref(img)), "frame %d" % (i + 1))
        return _take(img)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __del__(self):
        if getattr(self, "_ptr", None):
            _capi.sequence_free(self._ptr)
            self._ptr = None


def video_available():
    """True when this build reads video files (FFmpeg)."""
    return bool(_capi.video_available())


class Video:
    """Frames of a video file (anything FFmpeg decodes), as RGB arrays, in order::

        for frame in siamcl.Video("clip.mp4"): ...
    """

    def __init__(self, path):
        self._ptr = _ct.c_void_p()
        _check(_capi.video_open(_b(path), _ct.byref(self._ptr)), "video %r" % (path,))
        self._img = _capi.Image()

    def __iter__(self):
        np = _np()
        got = _ct.c_int(0)
        while self._ptr:
            _check(_capi.video_read(self._ptr, _ct.byref(self._img), _ct.byref(got)), "video")
            if not got.value:
                return
            n = self._img.width * self._img.height * 3
            buf = _ct.cast(self._img.data, _ct.POINTER(_ct.c_uint8 * n)).contents
            yield np.frombuffer(buf, dtype=np.uint8).reshape(self._img.height, self._img.width, 3).copy()

    def close(self):
        if self._ptr:
            _capi.image_free(_ct.byref(self._img))
            _capi.video_free(self._ptr)
            self._ptr = _ct.c_void_p()

    def __del__(self):
        self.close()


def evaluate(results, ground_truth):
    """OTB one-pass scores of one sequence. ``results`` and ``ground_truth`` are (N, 4) OTB
    boxes (arrays or lists of rows, same N). Returns a dict: ``auc`` (success AUC),
    ``precision20``, ``success50``, ``mean_iou``, ``mean_error`` and the curves ``success``
    (IoU thresholds 0..1 step 0.05), ``precision`` (0..50 px) and their ``iou_thresholds`` /
    ``error_thresholds``, as numpy arrays."""
    np = _np()
    r = np.asarray(results, dtype=np.float64)
    g = np.asarray(ground_truth, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] != 4 or g.shape != r.shape or len(r) == 0:
        raise ArgumentError("results and ground truth are two (N, 4) box arrays of the same N > 0, got %s and %s"
                            % (r.shape, g.shape))
    n = len(r)
    rb, gb = (_capi.Box * n)(), (_capi.Box * n)()
    for i in range(n):
        rb[i] = _capi.Box(*r[i])
        gb[i] = _capi.Box(*g[i])
    c = _capi.EvalCurves()
    _check(_capi.eval_sequence(rb, gb, n, None, _ct.byref(c)), "evaluate")
    return {"auc": c.auc, "precision20": c.precision20, "success50": c.success50, "mean_iou": c.mean_iou,
            "mean_error": c.mean_error, "frames": c.frames, "success": np.array(c.success[:]),
            "precision": np.array(c.precision[:]), "iou_thresholds": np.linspace(0, 1, _capi.IOU_BINS),
            "error_thresholds": np.arange(_capi.ERR_BINS, dtype=np.float64)}
