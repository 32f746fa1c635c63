"""
YOLOX-Nano's ONNX graph (packed by pack-hardhat.ts as JSON + weights) replayed node by node with torch
operations, with trainable copies of the nodes after a cut (finetune_hardhat.py). No network is rebuilt by
hand, so the copies start exactly from COCO's weights, and finish-finetuned.ts finds the same nodes by the
same rule (`copiedNodes`, checked on export).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

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
