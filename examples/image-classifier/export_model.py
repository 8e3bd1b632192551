# Writes weights/model.pt: a small convolutional network for 28x28 grayscale images, exported with TorchScript.
# It is untrained (random weights) so the example deploys end to end; train it, or export your own model with the
# same input shape (1, 1, 28, 28) and 10 outputs, before serving anything real.
from pathlib import Path

import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 7 * 7, 10),
).eval()

out = Path(__file__).parent / "weights" / "model.pt"
torch.jit.script(model).save(str(out))
print(f"wrote {out}")
