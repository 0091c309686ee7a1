"""Writes the TorchScript test fixtures of the unlearning module (run with Debian's /usr/bin/python3 and python3-torch).

    /usr/bin/python3 make_tiny_cnn.py OUT_DIR CLASSES SEED SIDE

writes, with freshly initialized (untrained) parameters drawn from SEED:

  OUT_DIR/tiny_cnn.pt     TinyCnn: forward(x) -> (embedding, logits), the convention TorchScriptClassifier adapts
  OUT_DIR/logits_only.pt  LogitsOnly: forward(x) -> logits, which breaks the convention (for the error test)
  OUT_DIR/mode_probe.pt   ModeProbe: TinyCnn whose logits are 1 higher in train() mode (for the train/eval test)
  OUT_DIR/batch_norm.pt   BatchNormCnn: with BatchNorm (buffers) and Dropout, following the convention
  OUT_DIR/probe.txt       what PyTorch computes for the probe batch (see probe()): a line "z v v ..." and a line
                          "logits v v ...", row-major, so the test can check that libtorch in DJL computes the same

Input x: (N, 1, rows, cols) float32 in [0, 1], any rows, cols >= 4. Nothing here is checked in as a binary: the tests
run this script into a temporary directory.
"""
import sys
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class TinyCnn(nn.Module):
    """The shape of the module's built-in ClassifierBlock, written in PyTorch:

    conv3x3(16) relu maxpool2, conv3x3(32) relu maxpool2, adaptive avgpool 3x3 (a no-op on 12x12), dense(128) relu
    -> h;  p = dense(64)(relu(dense(128)(h)));  z = p / ||p||_2;  logits = W z + b.
    """

    def __init__(self, classes: int, embedding_dim: int = 64):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d((3, 3))
        self.hidden = nn.Linear(32 * 3 * 3, 128)
        self.project1 = nn.Linear(128, 128)
        self.project2 = nn.Linear(128, embedding_dim)
        self.head = nn.Linear(embedding_dim, classes)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = self.pool(F.max_pool2d(F.relu(self.conv2(h)), 2))
        h = F.relu(self.hidden(torch.flatten(h, 1)))
        z = F.normalize(self.project2(F.relu(self.project1(h))), p=2.0, dim=1)
        return z, self.head(z)


class LogitsOnly(nn.Module):
    """A classifier that returns its logits only."""

    def __init__(self, classes: int):
        super().__init__()
        self.inner = TinyCnn(classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.inner(x)[1]


class ModeProbe(nn.Module):
    """TinyCnn whose logits are shifted by +1 in train() mode, so a test can see which mode a pass ran in."""

    def __init__(self, classes: int):
        super().__init__()
        self.inner = TinyCnn(classes)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        z, logits = self.inner(x)
        if self.training:
            return z, logits + 1.0
        return z, logits


class BatchNormCnn(nn.Module):
    """conv3x3(8) BatchNorm relu maxpool2, adaptive avgpool 3x3, dropout, dense(16) -> z = p / ||p||; W z + b."""

    def __init__(self, classes: int):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.AdaptiveAvgPool2d((3, 3))
        self.drop = nn.Dropout(0.2)
        self.projection = nn.Linear(8 * 3 * 3, 16)
        self.head = nn.Linear(16, classes)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        h = self.pool(F.max_pool2d(F.relu(self.bn(self.conv(x))), 2))
        z = F.normalize(self.projection(self.drop(torch.flatten(h, 1))), p=2.0, dim=1)
        return z, self.head(z)


def probe(side: int) -> Tensor:
    """Two deterministic images: pixel k of the flattened batch is (k mod 17) / 16."""
    return (torch.arange(2 * side * side, dtype=torch.float32) % 17).div(16).reshape(2, 1, side, side)


def main() -> None:
    out_dir, classes, seed, side = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.manual_seed(seed)
    net = torch.jit.script(TinyCnn(classes))
    net.save(out_dir + "/tiny_cnn.pt")
    torch.jit.script(LogitsOnly(classes)).save(out_dir + "/logits_only.pt")
    torch.jit.script(ModeProbe(classes)).save(out_dir + "/mode_probe.pt")
    torch.jit.script(BatchNormCnn(classes)).save(out_dir + "/batch_norm.pt")
    net.eval()
    with torch.no_grad():
        z, logits = net(probe(side))
    with open(out_dir + "/probe.txt", "w") as f:
        for name, t in (("z", z), ("logits", logits)):
            f.write(name + " " + " ".join(repr(float(v)) for v in t.flatten()) + "\n")
    print("torch", torch.__version__, "wrote tiny_cnn.pt, logits_only.pt, mode_probe.pt, batch_norm.pt, probe.txt",
          "to", out_dir)


if __name__ == "__main__":
    main()
