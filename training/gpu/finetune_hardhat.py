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
the person detector and every head (src/detect/onnx/merge-heads.ts).

YOLOX-Nano is not rebuilt by hand: its ONNX graph (packed by pack-hardhat.ts as JSON + weights) is
replayed node by node with torch operations, so the copies start exactly from COCO's weights.

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
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

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
SIZE = 416
PAD = 114.0


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
    p.add_argument('--limit', type=int, default=0, help='first N photos of each split (a smoke run)')
    return p.parse_args()


# ---------------------------------------------------------------- the YOLOX graph, replayed


def load_graph(pack):
    g = json.load(open(os.path.join(pack, 'graph.json')))
    blob = open(os.path.join(pack, 'weights.bin'), 'rb').read()
    inits = {}
    for t in g['initializers']:
        dt = np.float32 if t['type'] == 'float32' else np.int64
        n = int(np.prod(t['dims'])) if t['dims'] else 1
        a = np.frombuffer(blob, dtype=dt, count=n, offset=t['offset']).reshape(t['dims'])
        inits[t['name']] = torch.from_numpy(a.copy())
    return g['nodes'], inits


class Replay(torch.nn.Module):
    """
    YOLOX-Nano's nodes needed for `targets`, in two namespaces: the frozen graph, and trainable copies
    of every node downstream of the `cut` tensors (the cut tensors themselves always come from the
    frozen graph). The export (finish-finetuned.ts) renames exactly the copies listed in `copy_nodes`.
    """

    def __init__(self, nodes, inits, targets, cut):
        super().__init__()
        cut = set(cut)
        down = set()
        for n in nodes:
            if any(i in cut or i in down for i in n['inputs']):
                down.update(o for o in n['outputs'] if o not in cut)
        producer = {o: n for n in nodes for o in n['outputs']}
        copy_ids, frozen_ids = set(), set()
        stack = [(t, t in down) for t in targets]
        while stack:
            t, copy = stack.pop()
            n = producer.get(t)
            if n is None:
                continue
            ids = copy_ids if copy else frozen_ids
            if id(n) in ids:
                continue
            ids.add(id(n))
            stack += [(i, copy and i in down) for i in n['inputs'] if i and i not in inits]
        self.frozen = [n for n in nodes if id(n) in frozen_ids]
        self.copies = [n for n in nodes if id(n) in copy_ids]
        self.down = down
        self.params = torch.nn.ParameterDict()
        self.copied = {}
        for n in self.copies:
            if n['op'] == 'Conv':
                for i in n['inputs'][1:]:
                    self.copied[i] = 'p%d' % len(self.params)
                    self.params[self.copied[i]] = torch.nn.Parameter(inits[i].clone())
        self.consts = {}
        for n in self.frozen + self.copies:
            for i in n['inputs']:
                if i in inits and i not in self.consts:
                    self.consts[i] = 'c%d' % len(self.consts)
                    self.register_buffer(self.consts[i], inits[i])
        self.targets = targets

    def forward(self, images):
        frozen, copies = {'images': images}, {}
        with torch.no_grad():
            for n in self.frozen:
                frozen[n['outputs'][0]] = run_node(n, [frozen[i] if i in frozen else self.const(i) if i else None
                                                       for i in n['inputs']])
        for n in self.copies:
            ins = []
            for i in n['inputs']:
                if not i:
                    ins.append(None)
                elif i in self.down:
                    ins.append(copies[i])
                elif i in self.copied:
                    ins.append(self.params[self.copied[i]])
                else:
                    ins.append(frozen[i] if i in frozen else self.const(i))
            copies[n['outputs'][0]] = run_node(n, ins)
        return [copies[t] if t in self.down else frozen[t] for t in self.targets]

    def const(self, name):
        return getattr(self, self.consts[name])


def run_node(n, x):
    """One ONNX node (the operations YOLOX-Nano's graph uses) with torch."""
    op, a = n['op'], n['attrs']
    if op == 'Conv':
        p = a.get('pads', [0, 0, 0, 0])
        return F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, a.get('strides', [1, 1]), (p[0], p[1]),
                        a.get('dilations', [1, 1]), a.get('group', 1))
    if op == 'Sigmoid':
        return torch.sigmoid(x[0])
    if op == 'Mul':
        return x[0] * x[1]
    if op == 'Add':
        return x[0] + x[1]
    if op == 'Concat':
        return torch.cat(x, a['axis'])
    if op == 'MaxPool':
        return F.max_pool2d(x[0], a['kernel_shape'], a['strides'], a['pads'][0])
    if op == 'Resize':
        return F.interpolate(x[0], scale_factor=float(x[2][2]), mode='nearest')
    if op == 'Slice':
        y = x[0]
        for s, e, ax, st in zip(x[1].tolist(), x[2].tolist(), x[3].tolist(), x[4].tolist()):
            idx = [slice(None)] * y.dim()
            idx[ax] = slice(s, min(e, y.shape[ax]), st)
            y = y[tuple(idx)]
        return y
    raise ValueError('op %s is not replayed' % op)


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


# ---------------------------------------------------------------- data


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


# ---------------------------------------------------------------- targets and loss (assign.ts)


def assign(boxes, mask, grid_h, grid_w, stride, lo, hi, radius):
    """
    Per image and cell: index of the box the cell is a positive for, -1 negative, -2 ignored; boxes
    (B, N, 4) padded, `mask` (B, N) marks the real ones. The rules of assign.ts (unit-tested there).
    """
    dev = boxes.device
    gy, gx = torch.meshgrid(torch.arange(grid_h, device=dev), torch.arange(grid_w, device=dev), indexing='ij')
    px = ((gx.reshape(-1) + 0.5) * stride)[None, :, None]
    py = ((gy.reshape(-1) + 0.5) * stride)[None, :, None]
    x1, y1, x2, y2 = (boxes[..., k][:, None, :] for k in range(4))
    inside = (px >= x1) & (px <= x2) & (py >= y1) & (py <= y2) & mask[:, None, :]
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    size = torch.maximum(x2 - x1, y2 - y1)
    fits = (size >= lo) & (size < hi) & mask[:, None, :]
    central = ((px - cx).abs() <= radius * stride) & ((py - cy).abs() <= radius * stride)
    pos = inside & central & fits
    # a box that fits the level but has no central cell inside it takes the cell holding its centre
    lonely = fits[:, 0, :] & ~pos.any(1)
    if lonely.any():
        bi, ni = torch.nonzero(lonely, as_tuple=True)
        col = (cx[bi, 0, ni] / stride).floor().clamp(0, grid_w - 1).long()
        row = (cy[bi, 0, ni] / stride).floor().clamp(0, grid_h - 1).long()
        pos[bi, row * grid_w + col, ni] = True
    # a cell inside two boxes belongs to the smaller one
    area = ((x2 - x1) * (y2 - y1)).expand_as(pos)
    cost = torch.where(pos, area, torch.full_like(area, float('inf')))
    best, idx = cost.min(2)
    out = torch.where(torch.isfinite(best), idx, torch.full_like(idx, -1))
    return torch.where((out < 0) & inside.any(2), torch.full_like(out, -2), out)


def decode(z, stride):
    """(B, 4+, H, W) raw regression → (B, H*W, 4) boxes x1 y1 x2 y2 in model pixels (YOLOX)."""
    b, _, h, w = z.shape
    gy, gx = torch.meshgrid(torch.arange(h, device=z.device), torch.arange(w, device=z.device), indexing='ij')
    t = z[:, :4].reshape(b, 4, -1).transpose(1, 2)
    cx = (t[..., 0] + gx.reshape(-1)) * stride
    cy = (t[..., 1] + gy.reshape(-1)) * stride
    bw = torch.exp(t[..., 2].clamp(max=8)) * stride
    bh = torch.exp(t[..., 3].clamp(max=8)) * stride
    return torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], -1), t


def box_iou(a, b):
    lt = torch.maximum(a[:, :2], b[:, :2])
    rb = torch.minimum(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(1)
    area = lambda x: (x[:, 2] - x[:, 0]).clamp(min=0) * (x[:, 3] - x[:, 1]).clamp(min=0)  # noqa: E731
    return inter / (area(a) + area(b) - inter + 1e-9)


def level_loss(z, stride, level, boxes, mask, radius, iou_weight, classes, quality):
    """Objectness (target: the IoU its box reaches; 0 for background), class BCE and box loss, one level."""
    b, _, h, w = z.shape
    pred, t = decode(z, stride)
    logits = z[:, 4:].reshape(b, 1 + classes, -1).transpose(1, 2)
    a = assign(boxes[..., :4], mask, h, w, stride, level[0], level[1], radius)
    obj_t = torch.zeros(b, h * w, device=z.device)
    bi, ci = torch.nonzero(a >= 0, as_tuple=True)
    zero = z.new_zeros(())
    cls_sum = box_sum = zero
    if len(bi):
        g = boxes[bi, a[bi, ci]]
        iou = box_iou(pred[bi, ci], g[:, :4])
        obj_t[bi, ci] = iou.detach().clamp(min=0.05) if quality else 1.0
        onehot = F.one_hot(g[:, 4].long(), classes).float()
        cls_sum = F.binary_cross_entropy_with_logits(logits[bi, ci, 1:], onehot, reduction='sum')
        gw, gh = (g[:, 2] - g[:, 0]).clamp(min=1), (g[:, 3] - g[:, 1]).clamp(min=1)
        gx, gy = (ci % w).float(), (ci // w).float()
        target = torch.stack([(g[:, 0] + g[:, 2]) / 2 / stride - gx, (g[:, 1] + g[:, 3]) / 2 / stride - gy,
                              torch.log(gw / stride), torch.log(gh / stride)], 1)
        box_sum = (t[bi, ci] - target).abs().sum() + iou_weight * (1 - iou).sum()
    valid = a != -2
    obj_sum = F.binary_cross_entropy_with_logits(logits[..., 0][valid], obj_t[valid], reduction='sum')
    return obj_sum, cls_sum, box_sum, len(bi)


# ---------------------------------------------------------------- training


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


def batches(data, rng, batch):
    order = [k for k, (_, _, rep) in enumerate(data) for _ in range(rep)]
    rng.shuffle(order)
    for s in range(0, len(order) - batch + 1, batch):
        yield [data[k] for k in order[s:s + batch]]


def make_batch(items, rng, g, augment):
    imgs, boxes = [], []
    for img, b, _ in items:
        x, bb = letterbox(img, b, rng, augment)
        imgs.append(x)
        boxes.append(bb)
    x = torch.stack(imgs)
    return (photometric(x, g) if augment else x), boxes


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
            x, boxes = make_batch(items, rng, g, True)
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
