#!/usr/bin/env python3
"""
Fine-tunes the hard-hat detector end to end (PyTorch; a GPU if there is one, else the CPU).

The CPU trainer (training/train-hardhat.ts) keeps YOLOX-Nano frozen and trains only a per-cell
perceptron on its features; on validation its errors were misplaced boxes and heads never found even
when large, i.e. the frozen COCO features, not the perceptron, were the limit. Here trainable *copies*
of YOLOX-Nano's last layers (from the `--cut` tensors to the head's classification and regression
branches) are trained together with the same perceptron (same inputs: both branches, cell colour, the
colour of the cell above and the classification values of the cells above and below). Everything
before the cut stays YOLOX-Nano's own, so in the service the backbone still runs once per frame for
the person detector and every head (src/vision/detect/onnx/merge-heads.ts).

YOLOX-Nano is not rebuilt by hand: its ONNX graph (packed by pack-hardhat.ts as JSON + weights) is
replayed node by node with torch operations, so the copies start exactly from COCO's weights.

`--task fire` trains the fire/smoke head the same way (pack-fire.ts; the fire head has no neighbour
inputs): tried, not adopted (models/fire-smoke.card.md).

Reads the pack folder; writes `<out>/<name>.json`: the trained copies' weights and the perceptron, in
the layout training/gpu/finish-finetuned.ts turns into an ONNX graph.
"""
import argparse
import base64
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from cell_targets import level_loss
from photos import batches, load_split, make_batch
from yolox_replay import Replay, load_graph

CUTS = {
    # inputs of the head's stem convolutions (PAN outputs, strides 8 / 16 / 32)
    'head': ['956', '990', '1024'],
    # backbone outputs (dark3, dark4, dark5): the whole PAN and head are copied
    'pan': ['781', '841', '886'],
    # everything: a second, fully fine-tuned YOLOX-Nano (its cost is a whole backbone per frame)
    'all': ['images'],
}
# per level: [classification branch, regression branch] (training/onnx/yolox-features.ts LEVEL_TENSORS)
LEVEL_TENSORS = [['1044', '1061'], ['1086', '1103'], ['1128', '1145']]
STRIDES = [8, 16, 32]
# per task: object size (longer side, model pixels) each level is responsible for, whether the head reads
# the cells above and below, and whether a positive's objectness target is the IoU its box reaches — as the
# CPU trainers (train-hardhat.ts, train-fire.ts) have them
TASKS = {
    'hardhat': {'levels': [(0, 48), (24, 112), (80, 1e9)], 'neighbours': True, 'quality': True},
    'fire': {'levels': [(0, 64), (32, 160), (96, 1e9)], 'neighbours': False, 'quality': False},
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--pack', default='.gpu/hardhat')
    p.add_argument('--out', default='.gpu/out')
    p.add_argument('--name', default='ppe-hardhat-ft')
    p.add_argument('--task', default='hardhat', choices=sorted(TASKS))
    p.add_argument('--cut', default='pan', choices=sorted(CUTS))
    p.add_argument('--epochs', type=int, default=60)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--lr', type=float, default=2e-3, help='perceptron learning rate (AdamW)')
    p.add_argument('--lr-copy', type=float, default=5e-4, help='learning rate of the copied YOLOX layers')
    p.add_argument('--hidden', type=int, default=48)
    p.add_argument('--radius', type=float, default=2.5)
    p.add_argument('--iou-loss', type=float, default=2.0)
    p.add_argument('--ema', type=float, default=0.999)
    p.add_argument('--seed', type=int, default=20261122)
    p.add_argument('--stop-after', type=int, default=0,
                   help='end after this many epochs of the --epochs schedule (0: all of them)')
    p.add_argument('--checkpoint', type=int, default=10, help='write the EMA weights every N epochs too')
    p.add_argument('--threads', type=int, default=0, help='CPU threads when there is no GPU (0: all cores)')
    p.add_argument('--warm-light', type=float, default=0.0,
                   help='share of frames without boxes relit as under sodium or other warm light (photos.warm_light)')
    p.add_argument('--limit', type=int, default=0, help='first N photos of each split (a smoke run)')
    return p.parse_args()


# ---------------------------------------------------------------- the head (export.ts layout)


def shift_rows(x, d):
    """The value of the cell d rows above (d > 0) or below (d < 0); zero past the edge."""
    if d > 0:
        return F.pad(x, (0, 0, d, 0))[:, :, :-d]
    return F.pad(x, (0, 0, 0, -d))[:, :, -d:]


def colour_levels(images):
    """Per level: mean B, G, R and chroma of each cell ÷ 255 (export.ts addColourNodes, context [1])."""
    chroma = images.max(1, keepdim=True)[0] - images.min(1, keepdim=True)[0]
    c0 = F.avg_pool2d(torch.cat([images, chroma], 1), 8, 8) / 255.0
    c1 = F.avg_pool2d(c0, 2, 2)
    return [c0, c1, F.avg_pool2d(c1, 2, 2)]


class Head(torch.nn.Module):
    """Concat(cls, reg, colour, colour above[, cls above, cls below]) → 1×1 conv → ReLU → 1×1 conv."""

    def __init__(self, hidden, classes, neighbours):
        super().__init__()
        self.neighbours = neighbours
        self.dim = 64 + 64 + 4 + 4 + (64 + 64 if neighbours else 0)
        self.register_buffer('mean', torch.zeros(self.dim))
        self.register_buffer('std', torch.ones(self.dim))
        self.c1 = torch.nn.Conv2d(self.dim, hidden, 1)
        self.c2 = torch.nn.Conv2d(hidden, 5 + classes, 1)
        prior = -math.log((1 - 0.01) / 0.01)
        with torch.no_grad():
            self.c2.bias[4:] = prior

    def features(self, cls, reg, colour):
        parts = [cls, reg, colour, shift_rows(colour, 1)]
        return torch.cat(parts + ([shift_rows(cls, 1), shift_rows(cls, -1)] if self.neighbours else []), 1)

    def forward(self, feat):
        x = (feat - self.mean[None, :, None, None]) / self.std[None, :, None, None]
        return self.c2(F.relu(self.c1(x)))


# ---------------------------------------------------------------- training (the graph: yolox_replay.py;
# photos and augmentation: photos.py; targets and loss: cell_targets.py)


class Model(torch.nn.Module):
    def __init__(self, replay, head):
        super().__init__()
        self.replay, self.head = replay, head

    def features(self, images):
        outs = self.replay(images)
        colours = colour_levels(images)
        return [self.head.features(outs[2 * l], outs[2 * l + 1], colours[l]) for l in range(3)]

    def forward(self, images):
        return [self.head(f) for f in self.features(images)]


def padded(boxes_list, device):
    """Per-photo box lists → (B, N, 5) padded and a (B, N) mask of the real boxes."""
    n = max([1] + [len(b) for b in boxes_list])
    out = torch.zeros(len(boxes_list), n, 5, device=device)
    mask = torch.zeros(len(boxes_list), n, dtype=torch.bool, device=device)
    for i, b in enumerate(boxes_list):
        out[i, :len(b)] = b
        mask[i, :len(b)] = True
    return out, mask


def run_loss(model, x, boxes_list, args, classes):
    zs = model(x)
    boxes, mask = padded(boxes_list, x.device)
    tot = [0.0, 0.0, 0.0]
    npos = 0
    task = TASKS[args.task]
    for l, z in enumerate(zs):
        o, c, b, n = level_loss(z, STRIDES[l], task['levels'][l], boxes, mask, args.radius, args.iou_loss, classes,
                                task['quality'])
        tot = [tot[0] + o, tot[1] + c, tot[2] + b]
        npos += n
    n = max(1, npos)
    return (tot[0] + tot[1] + tot[2]) / n, [float(v.detach() if torch.is_tensor(v) else v) / n for v in tot]


def labels_of(pack):
    return json.load(open(os.path.join(pack, 'labels.json')))['labels']


def b64(t):
    return base64.b64encode(t.detach().float().cpu().contiguous().numpy().tobytes()).decode()


def main():
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    if device.type == 'cpu':
        # some builds (Debian's 1.13) start with one thread whatever the machine has
        torch.set_num_threads(args.threads or os.cpu_count() or 1)
    t0 = time.time()
    labels = json.load(open(os.path.join(args.pack, 'labels.json')))
    classes = len(labels['labels'])
    lim = (lambda l: l[:args.limit]) if args.limit else (lambda l: l)  # noqa: E731
    train = load_split(args.pack, lim(labels['train']), device)
    val = load_split(args.pack, lim(labels['val']), device)
    nodes, inits = load_graph(args.pack)
    targets = [t for pair in LEVEL_TENSORS for t in pair]
    replay = Replay(nodes, inits, targets, CUTS[args.cut]).to(device)
    model = Model(replay, Head(args.hidden, classes, TASKS[args.task]['neighbours'])).to(device)
    copied = sum(p.numel() for p in replay.params.values())
    print('device %s; %d training / %d validation photos; cut %s: %d frozen and %d copied nodes, %d copied weights' % (
        device, len(train), len(val), args.cut, len(replay.frozen), len(replay.copies), copied), flush=True)
    rng = random.Random(args.seed)
    g = torch.Generator(device=device)
    g.manual_seed(args.seed)
    # the perceptron's input standardisation, from COCO's features of un-augmented training photos
    with torch.no_grad():
        feats = []
        for items in list(batches(train, random.Random(args.seed), args.batch))[:8]:
            x, _ = make_batch(items, rng, g, False)
            feats += [f.permute(1, 0, 2, 3).reshape(model.head.dim, -1) for f in model.features(x)]
        f = torch.cat(feats, 1)
        model.head.mean.copy_(f.mean(1))
        model.head.std.copy_(f.std(1).clamp(min=1e-3))
    opt = torch.optim.AdamW([
        {'params': list(model.head.parameters()), 'lr': args.lr, 'weight_decay': 1e-4},
        {'params': list(replay.params.values()), 'lr': args.lr_copy, 'weight_decay': 5e-4},
    ])
    base = [grp['lr'] for grp in opt.param_groups]
    steps = args.epochs * (sum(r for _, _, r in train) // args.batch)
    warm = max(1, steps // 30)
    ema = {k: v.detach().clone() for k, v in model.named_parameters()}
    live, shadow = list(model.parameters()), list(ema.values())
    step = 0
    last = args.stop_after or args.epochs
    for epoch in range(last):
        model.train()
        run = [0.0, 0.0, 0.0]
        nb = 0
        for items in batches(train, rng, args.batch):
            f = min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * step / steps))
            for grp, lr in zip(opt.param_groups, base):
                grp['lr'] = lr * f
            x, boxes = make_batch(items, rng, g, True, args.warm_light)
            loss, parts = run_loss(model, x, boxes, args, classes)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            step += 1
            d = min(args.ema, (1 + step) / (10 + step))
            with torch.no_grad():
                torch._foreach_mul_(shadow, d)
                torch._foreach_add_(shadow, live, alpha=1 - d)
            run = [r + p for r, p in zip(run, parts)]
            nb += 1
        if epoch < 2:
            print('epoch %d: %.0f s' % (epoch + 1, time.time() - t0), flush=True)
        if epoch % 10 == 9 or epoch == last - 1:
            vl = validate(model, ema, val, args, classes)
            print('epoch %d/%d  train obj %.3f cls %.3f box %.3f  val (EMA) %.4f  %.0f s' % (
                epoch + 1, args.epochs, *(r / max(1, nb) for r in run), vl, time.time() - t0), flush=True)
        if (epoch + 1) % args.checkpoint == 0 or epoch == last - 1:
            live_now = {k: v.detach().clone() for k, v in model.named_parameters()}
            model.load_state_dict(ema, strict=False)
            write(args, model, replay, time.time() - t0, epoch + 1)
            model.load_state_dict(live_now, strict=False)


def validate(model, ema, val, args, classes):
    live = {k: v.detach().clone() for k, v in model.named_parameters()}
    model.load_state_dict(ema, strict=False)
    model.eval()
    tot, n = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(val), args.batch):
            x, boxes = make_batch(val[s:s + args.batch], None, None, False)
            loss, _ = run_loss(model, x, boxes, args, classes)
            tot, n = tot + float(loss), n + 1
    model.load_state_dict(live, strict=False)
    return tot / max(1, n)


def write(args, model, replay, seconds, epochs_done):
    os.makedirs(args.out, exist_ok=True)
    h = model.head
    # a fixed input (a pattern both sides can compute) and the trained model's output rows on it, so the
    # exported ONNX graph can be checked against this trainer (finish-finetuned.ts)
    yy, xx = torch.meshgrid(torch.arange(256), torch.arange(416), indexing='ij')
    probe = torch.stack([(xx * 7 + yy * 13 + c * 29) % 256 for c in range(3)]).float()[None].to(next(model.parameters()).device)
    model.eval()
    # full float32 for the probe: convolutions on a GPU default to TF32 (≈ 1e-2 off on raw box values)
    tf32 = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    with torch.no_grad():
        rows = []
        for z in model(probe):
            z = torch.cat([z[:, :4], torch.sigmoid(z[:, 4:])], 1)
            rows.append(z.reshape(z.shape[0], z.shape[1], -1))
        rows = torch.cat(rows, 2)[0].transpose(0, 1)
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = tf32
    doc = {
        'name': args.name,
        'task': args.task,
        'labels': labels_of(args.pack),
        'neighbours': h.neighbours,
        'cut': CUTS[args.cut],
        'cutName': args.cut,
        'levelTensors': LEVEL_TENSORS,
        'copyNodes': [n['outputs'][0] for n in replay.copies],
        'copies': {name: {'dims': list(replay.params[key].shape), 'data': b64(replay.params[key])}
                   for name, key in replay.copied.items()},
        'mlp': {'dim': h.dim, 'hidden': h.c1.out_channels, 'out': h.c2.out_channels,
                'w1': b64(h.c1.weight), 'b1': b64(h.c1.bias), 'w2': b64(h.c2.weight), 'b2': b64(h.c2.bias),
                'mean': b64(h.mean), 'std': b64(h.std)},
        'probe': {'height': 256, 'width': 416, 'rows': rows[::37].tolist(), 'every': 37},
        'args': vars(args),
        'epochsDone': epochs_done,
        'seconds': round(seconds),
        'device': torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu',
        'torch': torch.__version__,
    }
    path = os.path.join(args.out, '%s.json' % args.name)
    with open(path, 'w') as fh:
        json.dump(doc, fh)
    print('wrote %s after epoch %d (%.0f s)' % (path, epochs_done, seconds), flush=True)


if __name__ == '__main__':
    main()
