"""Checks that PyTorch opens SwiftRL checkpoints: loads one with safetensors.torch.load_file, rebuilds the
network in PyTorch from its tensors and compares the output for an all-ones input with the one SwiftRL
recorded in the metadata.

Usage: .peers-venv/bin/python tools/check_checkpoint_with_torch.py FILE
  (FILE from `swiftrl bench mlp-update --checkpoint FILE`; needs torch and safetensors)"""
import json
import sys
import torch
from safetensors import safe_open
from safetensors.torch import load_file

path = sys.argv[1]
tensors = load_file(path)
with safe_open(path, framework="pt") as handle:
    metadata = handle.metadata()
print(f"{path}: {len(tensors)} tensors, metadata keys {sorted(metadata)}")
for name in sorted(tensors):
    print(f"  {name}: {tuple(tensors[name].shape)} {tensors[name].dtype}")
net = torch.nn.Sequential(torch.nn.Linear(8, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 4))
net.load_state_dict({
    "0.weight": tensors["model.layers.0.weight"], "0.bias": tensors["model.layers.0.bias"],
    "2.weight": tensors["model.layers.1.weight"], "2.bias": tensors["model.layers.1.bias"],
    "4.weight": tensors["model.layers.2.weight"], "4.bias": tensors["model.layers.2.bias"],
})
expected = torch.tensor(json.loads(metadata["output_for_ones"]))
actual = net(torch.ones(1, 8)).detach().reshape(-1)
error = (actual - expected).abs().max().item()
print(f"PyTorch output {actual.tolist()}\nSwiftRL output {expected.tolist()}\nmax difference {error:.2e}")
if error > 1e-5:
    sys.exit("FAIL: PyTorch computes a different output from the checkpoint")
print("OK: PyTorch opens the checkpoint and reproduces SwiftRL's output")
