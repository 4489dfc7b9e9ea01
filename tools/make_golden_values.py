"""Writes Tests/NNTests/Fixtures/golden.safetensors: forward and backward values computed with PyTorch
for conv2d, conv_transpose2d, LayerNorm, LSTM, GRU, softmax, log_softmax, the tanh-squashed Gaussian
log-probability, and three steps of Adam and of RMSProp in PyTorch and TensorFlow form.
The Swift tests (Tests/NNTests/GoldenValueTests.swift) recompute each and compare.

Usage: .peers-venv/bin/python tools/make_golden_values.py   (needs torch and safetensors in that environment)"""
import math
import pathlib
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/NNTests/Fixtures/golden.safetensors"
torch.manual_seed(0)
tensors = {}


def put(prefix, **values):
    for name, value in values.items():
        tensors[f"{prefix}.{name}"] = value.detach().to(torch.float32).contiguous().clone()


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


for stride, padding in [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)]:
    x, w, b = leaf(2, 3, 9, 8), leaf(4, 3, 3, 3), leaf(4)
    y = F.conv2d(x, w, b, stride=stride, padding=padding)
    g = torch.randn_like(y)
    y.backward(g)
    put(f"conv2d.s{stride}p{padding}", input=x, weight=w, bias=b, output=y, grad_output=g,
        grad_input=x.grad, grad_weight=w.grad, grad_bias=b.grad)

for stride, padding, output_padding in [(1, 0, 0), (2, 0, 1), (2, 1, 0), (2, 1, 1), (3, 1, 2)]:
    x, w, b = leaf(2, 3, 5, 4), leaf(3, 2, 3, 3), leaf(2)
    y = F.conv_transpose2d(x, w, b, stride=stride, padding=padding, output_padding=output_padding)
    g = torch.randn_like(y)
    y.backward(g)
    put(f"conv_transpose2d.s{stride}p{padding}o{output_padding}", input=x, weight=w, bias=b, output=y,
        grad_output=g, grad_input=x.grad, grad_weight=w.grad, grad_bias=b.grad)

x, w, b = leaf(4, 6), leaf(6), leaf(6)
y = F.layer_norm(x, (6,), w, b, eps=1e-5)
g = torch.randn_like(y)
y.backward(g)
put("layer_norm", input=x, weight=w, bias=b, output=y, grad_output=g, grad_input=x.grad, grad_weight=w.grad, grad_bias=b.grad)

for kind in ("lstm", "gru"):
    module = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(5, 4)
    x = leaf(3, 2, 5)
    h0 = leaf(1, 2, 4)
    if kind == "lstm":
        c0 = leaf(1, 2, 4)
        y, (h, c) = module(x, (h0, c0))
    else:
        y, h = module(x, h0)
    g = torch.randn_like(y)
    y.backward(g)
    params = {name: p for name, p in module.named_parameters()}
    put(kind, input=x, h0=h0, output=y, grad_output=g, grad_input=x.grad, grad_h0=h0.grad,
        weight_ih=params["weight_ih_l0"], weight_hh=params["weight_hh_l0"], bias_ih=params["bias_ih_l0"],
        bias_hh=params["bias_hh_l0"], grad_weight_ih=params["weight_ih_l0"].grad, grad_weight_hh=params["weight_hh_l0"].grad,
        grad_bias_ih=params["bias_ih_l0"].grad, grad_bias_hh=params["bias_hh_l0"].grad)
    if kind == "lstm":
        put(kind, c0=c0, grad_c0=c0.grad)

for name, shape, dim in [("softmax.last", (3, 5), 1), ("softmax.middle", (2, 3, 4), 1)]:
    for function in ("softmax", "log_softmax"):
        x = leaf(*shape, scale=2.0)
        y = getattr(F, function)(x, dim=dim)
        g = torch.randn_like(y)
        y.backward(g)
        put(f"{function}.{name.split('.')[1]}", input=x, output=y, grad_output=g, grad_input=x.grad)

# SAC-AE's tanh-squashed Gaussian: pi = mu + noise * std; log_pi = gaussian_logprob(noise, log_std); squash.
mu, log_std = leaf(4, 3), leaf(4, 3, scale=0.5)
noise = torch.randn(4, 3)
u = mu + noise * log_std.exp()
log_pi = (-0.5 * noise.pow(2) - log_std).sum(-1) - 0.5 * math.log(2 * math.pi) * 3
action = torch.tanh(u)
log_pi = log_pi - torch.log(F.relu(1 - action.pow(2)) + 1e-6).sum(-1)
g = torch.randn_like(log_pi)
log_pi.backward(g)
put("tanh_gaussian", mean=mu, log_std=log_std, noise=noise, pre_tanh=u, log_prob=log_pi, grad_output=g,
    grad_mean=mu.grad, grad_log_std=log_std.grad)

# Three optimiser steps from the same start with fixed gradients.
start = torch.randn(3, 4)
grads = [torch.randn(3, 4) for _ in range(3)]
for name, make in [("adam", lambda p: torch.optim.Adam([p], lr=1e-2, weight_decay=0.01)),
                   ("rmsprop_torch", lambda p: torch.optim.RMSprop([p], lr=1e-2, alpha=0.99, eps=1e-8))]:
    p = start.clone().requires_grad_(True)
    optimizer = make(p)
    for step, gradient in enumerate(grads):
        p.grad = gradient.clone()
        optimizer.step()
        put(name, **{f"after{step + 1}": p})
p, v = start.clone(), torch.ones(3, 4)
for step, gradient in enumerate(grads):  # TensorFlow 1 RMSProp (baselines ACER): v from ones, eps inside the root
    v = 0.99 * v + 0.01 * gradient * gradient
    p = p - 7e-4 * gradient / torch.sqrt(v + 1e-5)
    put("rmsprop_tensorflow", **{f"after{step + 1}": p})
put("optimizer", start=start, grad1=grads[0], grad2=grads[1], grad3=grads[2])

OUT.parent.mkdir(parents=True, exist_ok=True)
save_file(tensors, str(OUT), metadata={"generator": "tools/make_golden_values.py", "torch": torch.__version__})
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(tensors)} tensors)")
