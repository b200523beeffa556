#!/usr/bin/python3
"""PyTorch peer for `siamcl bench --train` (a benchmark script, not a test).

Times one training step (forward + backward + SGD update) of the two networks
siamcl trains, on the CPU in float32 with the given threads:
  - the embedding net of golden/train (embed_net.onnx's architecture), batch 128
    pairs, contrastive loss;
  - SiamFC AlexNet (models/siamfc-alexnet), batch 8 template/search pairs,
    balanced logistic loss;
and, with --golden, replays golden/train's SiamFC case in float32 (weights
from golden: after_3_steps - update_3_steps) to show how far float32 PyTorch
lands from the float64 golden after three SGD steps.

  /usr/bin/python3 scripts/torch_peer.py [--threads 2] [--shared ../shared] [--golden]
Needs Debian's python3-torch (PyTorch 1.13).
"""
import argparse, json, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class EmbedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(800, 128)
        self.fc2 = nn.Linear(128, 2)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class AlexNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, 11, 2)
        self.conv2 = nn.Conv2d(96, 256, 5, 1, groups=2)
        self.conv3 = nn.Conv2d(256, 384, 3)
        self.conv4 = nn.Conv2d(384, 384, 3, groups=2)
        self.conv5 = nn.Conv2d(384, 256, 3, groups=2)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 3, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 3, 2)
        return self.conv5(F.relu(self.conv4(F.relu(self.conv3(x)))))


def contrastive(ea, eb, y, m=1.0):
    d = (ea - eb).norm(dim=1)
    return ((1 - y) * d ** 2 / 2 + y * torch.clamp(m - d, min=0) ** 2 / 2).mean()


def siamfc_labels(size=17, r=2.0, dtype=torch.float32):
    c = (size - 1) / 2
    i = torch.arange(size, dtype=torch.float64) - c
    pos = (i[:, None] ** 2 + i[None, :] ** 2).sqrt() <= r
    y = torch.where(pos, 1.0, -1.0)
    w = torch.where(pos, 0.5 / pos.sum(), 0.5 / (~pos).sum())
    return y.to(dtype), w.to(dtype)


def siamfc_loss(net, bias, z, x, y, w):
    fz, fx = net(z), net(x)
    n = fx.shape[0]
    if fz.shape[0] == 1:
        fz = fz.expand(n, -1, -1, -1)
    r = F.conv2d(fx.reshape(1, -1, fx.shape[2], fx.shape[3]), fz, groups=n).reshape(n, 1, 17, 17)
    r = 0.001 * r + bias
    return (w * F.softplus(-y * r)).sum(dim=(1, 2, 3)).mean()


def timed(step, n):
    for _ in range(3):
        step()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        ts.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(ts))


def bench(threads, n):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = EmbedNet()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    a, b = torch.rand(128, 1, 28, 28), torch.rand(128, 1, 28, 28)
    y = (torch.arange(128) % 2).float()

    def step_embed():
        opt.zero_grad()
        e = net(torch.cat([a, b]))
        contrastive(e[:128], e[128:], y).backward()
        opt.step()

    alex = AlexNet()
    bias = torch.zeros(1, requires_grad=True)
    opt2 = torch.optim.SGD(list(alex.parameters()) + [bias], 1e-6, momentum=0.9, weight_decay=5e-4)
    z, x = torch.rand(8, 3, 127, 127) * 255, torch.rand(8, 3, 255, 255) * 255
    ly, lw = siamfc_labels()

    def step_siamfc():
        opt2.zero_grad()
        siamfc_loss(alex, bias, z, x, ly, lw).backward()
        opt2.step()

    print(f"PyTorch {torch.__version__} CPU float32, {threads} threads, medians of {n}")
    print(f"  embed_net contrastive, batch 128 pairs: {timed(step_embed, n):.1f} ms/step")
    print(f"  SiamFC AlexNet logistic, batch 8 pairs: {timed(step_siamfc, max(3, n // 4)):.1f} ms/step")


def golden(shared):
    g = os.path.join(shared, "golden", "train")
    meta = json.load(open(os.path.join(g, "golden.json")))["cases"]["siamfc-logistic"]
    files = meta["files"]
    net = AlexNet()
    params = dict(net.named_parameters())
    for name in files["after_3_steps"]:
        after = np.fromfile(os.path.join(g, files["after_3_steps"][name]), np.float32).astype(np.float64)
        upd = np.fromfile(os.path.join(g, files["update_3_steps"][name]), np.float32).astype(np.float64)
        init = torch.from_numpy((after - upd).astype(np.float32))
        if name == "head.bias":
            bias = init.clone().requires_grad_(True)
        else:
            with torch.no_grad():
                params[name].copy_(init.reshape(params[name].shape))
    z = torch.from_numpy(np.fromfile(os.path.join(shared, "golden/siamfc-alexnet/input_template_1x3x127x127.f32"),
                                     np.float32).reshape(1, 3, 127, 127))
    x = torch.from_numpy(np.fromfile(os.path.join(shared, "golden/siamfc-alexnet/input_search_3x3x255x255.f32"),
                                     np.float32).reshape(3, 3, 255, 255))
    ly, lw = siamfc_labels()
    o = meta["optimizer"]
    opt = torch.optim.SGD(list(net.parameters()) + [bias], o["lr"], momentum=o["momentum"],
                          weight_decay=o["weight_decay"])
    for k in range(3):
        opt.zero_grad()
        loss = siamfc_loss(net, bias, z, x, ly, lw)
        print(f"  loss before step {k + 1}: {loss.item():.9f} (golden {meta['loss_before_step'][k]:.9f})")
        loss.backward()
        opt.step()
    loss = siamfc_loss(net, bias, z, x, ly, lw).item()
    want = meta["loss_after_3_steps"]
    print(f"  float32 PyTorch loss after 3 steps {loss:.9f}, golden {want:.9f}, rel {abs(loss - want) / want:.1e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--shared", default=os.environ.get("SIAMCL_SHARED", "../shared"))
    ap.add_argument("--golden", action="store_true")
    args = ap.parse_args()
    if args.golden:
        torch.set_num_threads(args.threads)
        golden(args.shared)
    else:
        bench(args.threads, args.runs)
