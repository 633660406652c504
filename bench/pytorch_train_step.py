#!/usr/bin/python3
"""The peer of TrainStepBenchmark: one training step of a 784-256-128-10 ReLU MLP, softmax
cross-entropy, Adam 1e-3, on the CPU with one thread, in samples per second.

Needs Debian's python3-torch (apt-get install python3-torch), hence /usr/bin/python3. Prints one line per batch size:
median over repeats of samples/s, so it can be set beside the JMH score (ops/s x batch size).

    bench/pytorch_train_step.py [BATCH ...] [--seconds S] [--repeats N] [--warmup N] [--json FILE]

--json FILE also writes the results as JSON for scripts/bench.sh:
{"peer": "PyTorch 1.13.1", "threads": 1, "results": [{"batch": 32, "median": ..., "min": ...,
"max": ..., "rates": [...]}, ...]}.
"""
import argparse
import json
import statistics
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
    return rates


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batches", nargs="*", type=int, default=[32, 256])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one repeat")
    parser.add_argument("--repeats", type=int, default=5, help="measured repeats")
    parser.add_argument("--warmup", type=int, default=3, help="repeats before measuring")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    version = torch.__version__.split("+")[0]
    print(f"torch {version}, threads {torch.get_num_threads()}")
    results = []
    for b in args.batches:
        rates = measure(b, args.seconds, args.repeats, args.warmup)
        median = statistics.median(rates)
        print(f"batch {b:4d}: {median:9.0f} samples/s (min {min(rates):.0f}, max {max(rates):.0f})")
        results.append({"batch": b, "median": median, "min": min(rates), "max": max(rates),
                        "rates": rates})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"peer": f"PyTorch {version}", "threads": torch.get_num_threads(),
                       "results": results}, f, indent=2)
