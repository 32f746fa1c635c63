"""
Training photos on the device (finetune_hardhat.py): decoded once, then letterboxed and augmented per batch
with torch operations (on the GPU when there is one), the way the service letterboxes a frame.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

SIZE = 416
PAD = 114.0


def load_split(pack, items, device):
    def read(it):
        return np.asarray(Image.open(os.path.join(pack, 'img', it['file'])).convert('RGB'))

    # JPEG decoding releases the GIL: threads
    with ThreadPoolExecutor(8) as pool:
        pixels = list(pool.map(read, items))
    out = []
    for it, im in zip(items, pixels):
        bgr = torch.from_numpy(im[:, :, ::-1].copy()).permute(2, 0, 1).contiguous().to(device)
        boxes = torch.tensor(it['boxes'], dtype=torch.float32, device=device).reshape(-1, 5)
        out.append((bgr, boxes, it['repeat']))
    return out


def letterbox(img, boxes, rng, augment):
    """One photo → a SIZE×SIZE BGR float canvas (grey 114 padding, as the runtime's letterbox) and boxes."""
    _, h, w = img.shape
    base = SIZE / max(h, w)
    flip = False
    if augment:
        s = base * rng.uniform(0.45, 1.35)
        flip = rng.random() < 0.5
    else:
        s = base
    nw, nh = max(8, round(w * s)), max(8, round(h * s))
    x = F.interpolate(img[None].float(), size=(nh, nw), mode='bilinear', align_corners=False)[0]
    b = boxes.clone()
    b[:, :4] *= torch.tensor([nw / w, nh / h, nw / w, nh / h], device=b.device)
    if flip:
        x = x.flip(2)
        b[:, [0, 2]] = nw - b[:, [2, 0]]
    ox = rng.randint(min(0, SIZE - nw), max(0, SIZE - nw)) if augment else 0
    oy = rng.randint(min(0, SIZE - nh), max(0, SIZE - nh)) if augment else 0
    canvas = torch.full((3, SIZE, SIZE), PAD, device=img.device)
    sx0, sy0 = max(0, -ox), max(0, -oy)
    dx0, dy0 = max(0, ox), max(0, oy)
    cw, ch = min(nw - sx0, SIZE - dx0), min(nh - sy0, SIZE - dy0)
    canvas[:, dy0:dy0 + ch, dx0:dx0 + cw] = x[:, sy0:sy0 + ch, sx0:sx0 + cw]
    b[:, [0, 2]] += ox
    b[:, [1, 3]] += oy
    if len(b):
        area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        b[:, [0, 2]] = b[:, [0, 2]].clamp(dx0, dx0 + cw)
        b[:, [1, 3]] = b[:, [1, 3]].clamp(dy0, dy0 + ch)
        kept = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        b = b[(kept >= 0.45 * area) & (b[:, 2] - b[:, 0] >= 2) & (b[:, 3] - b[:, 1] >= 2)]
    return canvas, b


def photometric(x, g):
    """Brightness, contrast, saturation, per-channel gain, blur and noise on a batch (B, 3, H, W)."""
    n = x.shape[0]
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, 1, 1, 1, generator=g, device=x.device)  # noqa: E731
    grey = x.mean(1, keepdim=True)
    x = grey + (x - grey) * u(0.4, 1.5)
    x = x * u(0.55, 1.35) * (1 + 0.08 * (2 * torch.rand(n, 3, 1, 1, generator=g, device=x.device) - 1))
    m = x.mean((1, 2, 3), keepdim=True)
    x = m + (x - m) * u(0.7, 1.3)
    blur = (torch.rand(n, 1, 1, 1, generator=g, device=x.device) < 0.25).float()
    x = blur * F.avg_pool2d(x, 3, 1, 1, count_include_pad=False) + (1 - blur) * x
    x = x + torch.randn(x.shape, generator=g, device=x.device) * u(0, 6)
    return x.clamp(0, 255)


def warm_light(img, rng):
    """A frame without fire under sodium-vapour or other warm light: mostly monochrome, orange, darker or
    brighter. Streets at night and plant halls under sodium lamps look like this, and a colour-led fire
    head reads such a frame as flame. Tried with --warm-light 0.3, not adopted: better on validation, worse
    on every negative set not used for choosing (models/fire-smoke.card.md, status)."""
    x = img.float()
    lum = 0.114 * x[0] + 0.587 * x[1] + 0.299 * x[2]
    mono = rng.uniform(0.6, 1.0)
    x = (1 - mono) * x + mono * lum[None]
    gains = torch.tensor([rng.uniform(0.2, 0.5), rng.uniform(0.55, 0.8), 1.0], device=x.device)
    return (x * gains.view(3, 1, 1) * rng.uniform(0.8, 1.4)).clamp(0, 255)


def batches(data, rng, batch):
    order = [k for k, (_, _, rep) in enumerate(data) for _ in range(rep)]
    rng.shuffle(order)
    for s in range(0, len(order) - batch + 1, batch):
        yield [data[k] for k in order[s:s + batch]]


def make_batch(items, rng, g, augment, warm=0.0):
    """`warm`: the share of frames without boxes relit by warm_light (0: rng untouched, as before it existed)."""
    imgs, boxes = [], []
    for img, b, _ in items:
        if augment and warm > 0 and len(b) == 0 and rng.random() < warm:
            img = warm_light(img, rng)
        x, bb = letterbox(img, b, rng, augment)
        imgs.append(x)
        boxes.append(bb)
    x = torch.stack(imgs)
    return (photometric(x, g) if augment else x), boxes
