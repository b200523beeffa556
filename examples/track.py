#!/usr/bin/env python3
"""Track one target through an OTB sequence (or a folder of frames) or a video file and
print one box per frame and the speed.

    python3 examples/track.py MODEL INPUT [--init x,y,w,h] [--frames N]

MODEL: a model name (nanotrack-v2, siamfc-alexnet, ...) or a .model file. INPUT: a sequence
folder (its first ground-truth box is the default --init) or a video file (--init needed).
Boxes are OTB boxes (1-based top-left corner)."""
import argparse
import os
import sys
import time

import siamcl


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("--init", help="x,y,w,h of the target in the first frame")
    ap.add_argument("--frames", type=int, default=0, help="track only the first N frames")
    a = ap.parse_args()
    box = tuple(float(v) for v in a.init.split(",")) if a.init else None
    if os.path.isdir(a.input):
        seq = siamcl.Sequence(a.input)
        frames = iter(seq)
        if box is None and len(seq.groundtruth):
            box = tuple(seq.groundtruth[0])
    else:
        frames = iter(siamcl.Video(a.input))
    if box is None:
        sys.exit("track.py: give the first box with --init x,y,w,h")
    tracker = siamcl.Tracker(a.model)
    spent, n = 0.0, 0
    for i, frame in enumerate(frames):
        if a.frames and i >= a.frames:
            break
        t0 = time.perf_counter()
        if i == 0:
            tracker.init(frame, box)
            score = 1.0
        else:
            box, score = tracker.update(frame)
            spent += time.perf_counter() - t0
        n += 1
        print("%d %.4f,%.4f,%.4f,%.4f %.4f" % (i + 1, *box, score))
    print("%s: %d frames, %.1f fps (tracker updates)" % (tracker.name, n, (n - 1) / spent if spent else 0.0),
          file=sys.stderr)


if __name__ == "__main__":
    main()
