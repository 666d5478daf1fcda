"""A tiny BERT sequence classifier built and saved in a test: transformer instruments are tested on it, offline."""

from __future__ import annotations

from pathlib import Path

WORDS = ("the hikvision government said was is good great bad awful table chair and but very "
         "sanctions list company police").split()
NAMED = {0: "negative", 1: "neutral", 2: "positive"}


def save_tiny_model(folder: Path, *, id2label=NAMED, seed: int = 0, permutation=None) -> Path:
    """A 1-layer BERT with random weights (and a word-level vocabulary), saved with save_pretrained.

    Needs torch and transformers (imported here, so importing this module costs nothing without them).
    ``permutation`` reorders the classifier's output rows and the class names together: the same model
    with its classes listed in another order."""
    import torch
    import transformers

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<t>", "</t>", *WORDS]
    tokenizer = transformers.BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)})
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=64, num_labels=len(id2label),
                                     id2label=dict(id2label), label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(seed)
    model = transformers.BertForSequenceClassification(config)
    if permutation is not None:
        with torch.no_grad():
            model.classifier.weight.copy_(model.classifier.weight[list(permutation)])
            model.classifier.bias.copy_(model.classifier.bias[list(permutation)])
        model.config.id2label = {i: id2label[p] for i, p in enumerate(permutation)}
        model.config.label2id = {v: k for k, v in model.config.id2label.items()}
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


TINY_SENTIMENT = '[sentiment]\nactor_instruments = ["sentence_vader"]\n'


def set_sentiment(paths, section: str) -> None:
    """Replace the tiny study's ``[sentiment]`` section (conftest's TINY_STUDY) with ``section`` in its study.toml."""
    text = paths.study_file.read_text(encoding="utf-8")
    assert TINY_SENTIMENT in text, "the tiny study's [sentiment] section changed; update TINY_SENTIMENT"
    paths.study_file.write_text(text.replace(TINY_SENTIMENT, section), encoding="utf-8")
