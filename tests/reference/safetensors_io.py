"""A minimal safetensors reader and writer (torch + the standard library only).

Format (huggingface/safetensors, docs "safetensors format"): an unsigned 64-bit little-endian
header length N, then N bytes of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin,
end]}, optional "__metadata__": {str: str}}, then the byte buffer; offsets are relative to the
buffer start, contiguous from 0, and the buffer ends at the end of the file. Tensors are
little-endian and C-contiguous.
"""
import json
import struct

import torch

# safetensors dtype name -> (torch dtype, bytes per element)
DTYPES = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
    "I32": (torch.int32, 4),
    "I16": (torch.int16, 2),
    "I8": (torch.int8, 1),
    "U8": (torch.uint8, 1),
    "BOOL": (torch.bool, 1),
}
NAME_OF = {torch_dtype: name for name, (torch_dtype, _) in DTYPES.items()}

# The reference implementation refuses headers above 100 MB.
MAX_HEADER_BYTES = 100_000_000
HEADER_ALIGN = 8


class SafetensorsError(ValueError):
    pass


def parse(data, source="<bytes>"):
    """Returns ({name: tensor}, metadata dict or None) from the bytes of a safetensors file."""
    data = bytes(data)
    if len(data) < 8:
        raise SafetensorsError(f"{source}: file shorter than the 8-byte header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > MAX_HEADER_BYTES or 8 + header_len > len(data):
        raise SafetensorsError(f"{source}: header length {header_len} does not fit the file")
    try:
        header = json.loads(data[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{source}: header is not JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{source}: header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    buffer = data[8 + header_len:]

    entries = []
    for name, info in header.items():
        try:
            dtype_name = info["dtype"]
            shape = [int(s) for s in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise SafetensorsError(f"{source}: tensor {name}: malformed entry {info!r}") from None
        if dtype_name not in DTYPES:
            raise SafetensorsError(f"{source}: tensor {name}: unsupported dtype {dtype_name}")
        entries.append((begin, end, name, dtype_name, shape))

    entries.sort()
    expected_begin = 0
    tensors = {}
    for begin, end, name, dtype_name, shape in entries:
        torch_dtype, item = DTYPES[dtype_name]
        count = 1
        for s in shape:
            if s < 0:
                raise SafetensorsError(f"{source}: tensor {name}: negative dimension")
            count *= s
        if begin != expected_begin:
            raise SafetensorsError(f"{source}: tensor {name}: data starts at {begin}, "
                                   f"expected {expected_begin} (gap or overlap)")
        if end - begin != count * item:
            raise SafetensorsError(f"{source}: tensor {name}: {end - begin} bytes for shape "
                                   f"{shape} of {dtype_name}")
        if end > len(buffer):
            raise SafetensorsError(f"{source}: tensor {name}: data ends at {end}, past the "
                                   f"{len(buffer)}-byte buffer")
        expected_begin = end
        raw = bytearray(buffer[begin:end])
        if count == 0:
            tensor = torch.empty(shape, dtype=torch_dtype)
        else:
            tensor = torch.frombuffer(raw, dtype=torch_dtype).reshape(shape).clone()
        tensors[name] = tensor
    if expected_begin != len(buffer):
        raise SafetensorsError(f"{source}: buffer has {len(buffer)} bytes, tensors cover "
                               f"{expected_begin}")
    return tensors, metadata


def load(path):
    """Returns ({name: tensor}, metadata or None)."""
    with open(path, "rb") as f:
        return parse(f.read(), str(path))


def _tensor_bytes(tensor):
    tensor = tensor.detach().cpu().contiguous()
    if tensor.dtype == torch.bfloat16:
        return tensor.view(torch.int16).numpy().tobytes()
    return tensor.numpy().tobytes()


def dumps(tensors, metadata=None):
    """The bytes of a safetensors file holding `tensors` (in name order)."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name]
        if tensor.dtype not in NAME_OF:
            raise SafetensorsError(f"tensor {name}: dtype {tensor.dtype} has no safetensors name")
        raw = _tensor_bytes(tensor)
        header[name] = {"dtype": NAME_OF[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}, **header}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Padding with spaces keeps the buffer 8-byte aligned (what the reference writer does).
    text += b" " * (-len(text) % HEADER_ALIGN)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(dumps(tensors, metadata))
