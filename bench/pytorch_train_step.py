#!/usr/bin/python3
"""The peer of TrainStepBenchmark: one training step of a 784-256-128-10 ReLU MLP, softmax
cross-entropy, Adam 1e-3, on the CPU with one thread, in samples per second.

Needs Debian's python3-torch (apt-get install python3-torch), hence /usr/bin/python3. Prints one line per batch size:
median over repeats of samples/s, so it can be set beside the JMH score (ops/s x batch size).
"""
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(42)


def measure(batch, seconds=2.0, repeats=5, warmup=3):
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(batch, 784)
    y = torch.randint(0, 10, (batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    rates = []
    for r in range(warmup + repeats):
        steps = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            step()
            steps += 1
        rate = steps * batch / (time.perf_counter() - start)
        if r >= warmup:
            rates.append(rate)
    return statistics.median(rates), min(rates), max(rates)


if __name__ == "__main__":
    batches = [int(b) for b in sys.argv[1:]] or [32, 256]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for b in batches:
        median, low, high = measure(b)
        print(f"batch {b:4d}: {median:9.0f} samples/s (min {low:.0f}, max {high:.0f})")
