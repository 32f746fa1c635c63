#!/usr/bin/env bash
# `npm run train:ppe-hardhat`: the shipped hard-hat model, end to end.
#   1. pack-hardhat.ts      photos of the training and validation splits + YOLOX-Nano's graph → .gpu/hardhat/
#   2. finetune_hardhat.py  PyTorch fine-tuning (a GPU if there is one: about 4.5 min on an H100; the CPU works
#                           too, far slower) → .gpu/out/ppe-hardhat-ft.json
#   3. ship-finetuned.ts    ONNX graph (checked against the trainer), thresholds, test report, card, manifest
# PyTorch: JH_PYTHON names the interpreter; otherwise python3, then Debian's /usr/bin/python3
# (apt-get install python3-torch python3-pil python3-numpy). Extra arguments go to finetune_hardhat.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=""
for c in "${JH_PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$c" ] && "$c" -c 'import torch, PIL, numpy' 2>/dev/null; then py="$c"; break; fi
done
if [ -z "$py" ]; then
  echo "train:ppe-hardhat needs Python 3 with PyTorch, Pillow and NumPy 需要 PyTorch:" >&2
  echo "  Debian: sudo apt-get install python3-torch python3-pil python3-numpy (or set JH_PYTHON)" >&2
  echo "  without them, npm run train:ppe-hardhat:frozen trains the weaker frozen-backbone model on the CPU" >&2
  exit 2
fi
npx tsx training/gpu/pack-hardhat.ts
PYTHONUNBUFFERED=1 nice -n 10 "$py" training/gpu/finetune_hardhat.py --pack .gpu/hardhat --out .gpu/out \
  --name ppe-hardhat-ft --cut pan --epochs 60 "$@"
npx tsx training/gpu/ship-finetuned.ts .gpu/out/ppe-hardhat-ft.json
