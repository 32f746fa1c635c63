#!/usr/bin/env bash
# `npm run train:ppe-hardhat` / `npm run train:fire-smoke`: a shipped fine-tuned model, end to end.
#   usage: training/gpu/train.sh hardhat|fire [finetune_hardhat.py arguments]
#   1. pack-*.ts            frames of the training and validation splits + YOLOX-Nano's graph → .gpu/<task>/
#   2. finetune_hardhat.py  PyTorch fine-tuning (a GPU if there is one: minutes; the CPU works too, slower:
#                           about 4–6 h for the hard-hat recipe, about 25 min for fire/smoke on 2 cores)
#   3. ship-*.ts            ONNX graph (checked against the trainer), thresholds, test report, card, manifest
# PyTorch: JH_PYTHON names the interpreter; otherwise python3, then Debian's /usr/bin/python3
# (apt-get install python3-torch python3-pil python3-numpy). Extra arguments go to finetune_hardhat.py
# (after the recipe's own, so they override it).
set -euo pipefail
cd "$(dirname "$0")/../.."
task="${1:-}"
case "$task" in
  hardhat) model=ppe-hardhat; pack=pack-hardhat.ts; ship=ship-finetuned.ts
    recipe=(--cut pan --epochs 60) ;;
  fire) model=fire-smoke; pack=pack-fire.ts; ship=ship-fire.ts
    recipe=(--cut pan --epochs 20 --stop-after 12 --batch 32 --seed 20261123) ;;
  *) echo "usage: training/gpu/train.sh hardhat|fire [finetune_hardhat.py arguments]" >&2; exit 2 ;;
esac
shift
py=""
for c in "${JH_PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$c" ] && "$c" -c 'import torch, PIL, numpy' 2>/dev/null; then py="$c"; break; fi
done
if [ -z "$py" ]; then
  echo "train:$model needs Python 3 with PyTorch, Pillow and NumPy 需要 PyTorch:" >&2
  echo "  Debian: sudo apt-get install python3-torch python3-pil python3-numpy (or set JH_PYTHON)" >&2
  echo "  without them, npm run train:$model:frozen trains the weaker frozen-backbone model on the CPU" >&2
  exit 2
fi
npx tsx "training/gpu/$pack"
PYTHONUNBUFFERED=1 nice -n 10 "$py" training/gpu/finetune_hardhat.py --task "$task" --pack ".gpu/$task" \
  --out .gpu/out --name "$model-ft" "${recipe[@]}" "$@"
npx tsx "training/gpu/$ship" ".gpu/out/$model-ft.json"
