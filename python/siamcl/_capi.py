"""The C library through ctypes: loading it, its structs, its functions.

Internal to the siamcl package; the public names live in siamcl/__init__.py.
ctypes releases the GIL around every foreign call, so trackers in several
threads run in parallel.
"""
import ctypes
import ctypes.util
import os

from . import _paths


def _load():
    """libsiamcl: $SIAMCL_LIBRARY, else the one this package was installed or
    built with (a path relative to this folder), else the system's."""
    tried = []
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("SIAMCL_LIBRARY")]
    candidates += [os.path.normpath(os.path.join(here, rel)) for rel in _paths.LIBRARY_RELATIVE]
    candidates.append(ctypes.util.find_library("siamcl"))
    for c in candidates:
        if not c:
            continue
        try:
            return ctypes.CDLL(c)
        except OSError as e:
            tried.append("%s (%s)" % (c, e))
    raise ImportError("siamcl: cannot load libsiamcl; tried " + "; ".join(tried) +
                      ". Set SIAMCL_LIBRARY to the library's path.")


lib = _load()

c_int, c_float, c_double, c_char_p, c_void_p, c_size_t = (ctypes.c_int, ctypes.c_float, ctypes.c_double,
                                                          ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
P = ctypes.POINTER


class Image(ctypes.Structure):
    _fields_ = [("width", c_int), ("height", c_int), ("data", P(ctypes.c_uint8))]


class Box(ctypes.Structure):
    _fields_ = [("x", c_float), ("y", c_float), ("w", c_float), ("h", c_float)]


class DeviceInfo(ctypes.Structure):
    _fields_ = [("platform_index", c_int), ("device_index", c_int),
                ("platform_name", ctypes.c_char * 128), ("platform_vendor", ctypes.c_char * 128),
                ("platform_version", ctypes.c_char * 128), ("name", ctypes.c_char * 128),
                ("vendor", ctypes.c_char * 128), ("driver_version", ctypes.c_char * 64),
                ("opencl_c_version", ctypes.c_char * 64), ("type", c_int), ("compute_units", ctypes.c_uint),
                ("global_mem_bytes", ctypes.c_uint64), ("local_mem_bytes", ctypes.c_uint64),
                ("max_alloc_bytes", ctypes.c_uint64), ("max_work_group_size", c_size_t)]


class ContextParams(ctypes.Structure):
    _fields_ = [("platform", c_char_p), ("device", c_char_p), ("type", c_int), ("cache_dir", c_char_p)]


MAX_SCALES = 8


class TrackerDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 64), ("kind", c_int), ("flavour", c_int),
                ("backbone", ctypes.c_char * 1024), ("head", ctypes.c_char * 1024), ("bgr", c_int),
                ("exemplar_size", c_int), ("instance_size", c_int), ("stride", c_int), ("score_size", c_int),
                ("context", c_double), ("head_scale", c_double), ("head_bias", c_double),
                ("scale_count", c_int), ("scale_step", c_double), ("scale_penalty", c_double),
                ("scale_lr", c_double), ("response_up", c_int), ("scale_min", c_double),
                ("scale_max", c_double), ("window_influence", c_double), ("penalty_k", c_double),
                ("lr", c_double), ("min_size", c_double)]


class GroupResult(ctypes.Structure):
    _fields_ = [("id", c_int), ("status", c_int), ("box", Box), ("score", c_float)]


IOU_BINS, ERR_BINS, NORM_BINS = 21, 51, 51


class EvalCurves(ctypes.Structure):
    _fields_ = [("frames", c_int), ("invalid_gt", c_int), ("sequences", c_int),
                ("success", c_double * IOU_BINS), ("precision", c_double * ERR_BINS),
                ("norm_precision", c_double * NORM_BINS), ("auc", c_double), ("precision20", c_double),
                ("success50", c_double), ("norm_precision20", c_double), ("mean_iou", c_double),
                ("mean_error", c_double)]


def _fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


status_string = _fn("siamcl_status_string", c_char_p, c_int)
last_error = _fn("siamcl_last_error", c_char_p)
devices_list = _fn("siamcl_devices_list", c_int, P(DeviceInfo), c_int, P(c_int))
context_create = _fn("siamcl_context_create", c_int, P(ContextParams), P(c_void_p))
context_free = _fn("siamcl_context_free", None, c_void_p)
context_device_count = _fn("siamcl_context_device_count", c_int, c_void_p)
desc_load = _fn("siamcl_tracker_desc_load", c_int, c_char_p, c_char_p, P(TrackerDesc))
tracker_create = _fn("siamcl_tracker_create", c_int, c_void_p, c_int, P(TrackerDesc), P(c_void_p))
tracker_free = _fn("siamcl_tracker_free", None, c_void_p)
tracker_init = _fn("siamcl_tracker_init", c_int, c_void_p, P(Image), Box)
tracker_update = _fn("siamcl_tracker_update", c_int, c_void_p, P(Image), P(Box), P(c_float))
group_create = _fn("siamcl_group_create", c_int, c_void_p, P(TrackerDesc), c_void_p, P(c_void_p))
group_free = _fn("siamcl_group_free", None, c_void_p)
group_add = _fn("siamcl_group_add", c_int, c_void_p, P(Image), Box, P(c_int))
group_remove = _fn("siamcl_group_remove", c_int, c_void_p, c_int)
group_count = _fn("siamcl_group_count", c_int, c_void_p)
group_update = _fn("siamcl_group_update", c_int, c_void_p, P(Image), P(GroupResult), c_int, P(c_int))
image_load = _fn("siamcl_image_load", c_int, c_char_p, P(Image))
image_free = _fn("siamcl_image_free", None, P(Image))
sequence_open = _fn("siamcl_sequence_open", c_int, c_char_p, c_int, P(c_void_p))
sequence_free = _fn("siamcl_sequence_free", None, c_void_p)
sequence_name = _fn("siamcl_sequence_name", c_char_p, c_void_p)
sequence_length = _fn("siamcl_sequence_length", c_int, c_void_p)
sequence_frame_path = _fn("siamcl_sequence_frame_path", c_char_p, c_void_p, c_int)
sequence_groundtruth = _fn("siamcl_sequence_groundtruth", c_int, c_void_p, c_int, P(Box))
sequence_groundtruth_count = _fn("siamcl_sequence_groundtruth_count", c_int, c_void_p)
sequence_load_frame = _fn("siamcl_sequence_load_frame", c_int, c_void_p, c_int, P(Image))
eval_sequence = _fn("siamcl_eval_sequence", c_int, P(Box), P(Box), c_int, c_void_p, P(EvalCurves))
video_available = _fn("siamcl_video_available", c_int)
video_open = _fn("siamcl_video_open", c_int, c_char_p, P(c_void_p))
video_free = _fn("siamcl_video_free", None, c_void_p)
video_read = _fn("siamcl_video_read", c_int, c_void_p, P(Image), P(c_int))
