"""A local engine task's result, packed for its way back to the stage's process: compressed, its arrays not copied
into one pickle.

``ProcessPoolExecutor`` pickles a result into one byte string in the worker and unpickles it in the stage's
process, so for a moment each side holds the tables twice. A stage's tables are large and repetitive: the fact
tables of a 12,000-article study are 242 MB pickled, which put the provenance stage's worker at 1,473 MiB while it
sent them. Here the result is pickled with protocol 5, whose out-of-band buffers are views of the arrays rather
than copies, and each large buffer is compressed with Zstandard (pyarrow's codec: the same 242 MB become 25 MB in
0.65 s); the stage's process decompresses each buffer (one at a time, briefly twice: the decompressed bytes and
their writable copy) into memory that the unpickled arrays then use as it is. An array that was read-only comes
back read-only.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

from analysis.core import lazy

# imported on first use: the command line imports the engine without the scientific stack
pyarrow = lazy.module("pyarrow")
# Buffers below this size are sent as they are (copied): compressing a few rows costs more than it saves.
MIN_PACKED_BYTES = 1 << 20


@dataclass(frozen=True)
class Packed:
    stream: bytes  # the pickle, its large buffers left out
    buffers: list[tuple[bytes, int, bool]]  # each buffer: (its bytes, compressed or not; its size; compressed)


def pack(result: Any) -> Packed:
    """``result`` pickled, its buffers of :data:`MIN_PACKED_BYTES` or more compressed (a result that is pickled
    here is not pickled again: the executor then sends byte strings)."""
    views: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(result, protocol=5, buffer_callback=views.append)
    raws = [view.raw() for view in views]
    codec = pyarrow.Codec("zstd", compression_level=1) if any(r.nbytes >= MIN_PACKED_BYTES for r in raws) else None
    return Packed(stream, [(codec.compress(raw, asbytes=True), raw.nbytes, True) if raw.nbytes >= MIN_PACKED_BYTES
                           else (bytes(raw), raw.nbytes, False) for raw in raws])


def unpack(item: Any) -> Any:
    """The result :func:`pack` was given."""
    if not isinstance(item, Packed):
        return item
    codec = pyarrow.Codec("zstd")
    # writable memory for each buffer: numpy arrays built on it can be written to, as the worker's could
    buffers = [bytearray(codec.decompress(data, decompressed_size=size, asbytes=True) if compressed else data)
               for data, size, compressed in item.buffers]
    return pickle.loads(item.stream, buffers=buffers)
