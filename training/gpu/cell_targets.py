"""
Per-cell targets and loss of a YOLOX-layout head (finetune_hardhat.py): the label assignment rules of
training/head/assign.ts (unit-tested there), YOLOX's box decoding, and objectness / class / box losses.
"""
import torch
import torch.nn.functional as F

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
