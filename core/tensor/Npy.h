#pragma once
// NumPy .npy files of float32 arrays (the format of numpy.save / numpy.load, NEP 1 "A Simple
// File Format for NumPy Arrays", versions 1.0–3.0): the magic "\x93NUMPY", a version, a header
// length, then a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (…), }
// padded with spaces to a multiple of 64 bytes and ended by '\n', then the data in C order.
// Attention tensors leave GTScope this way for notebooks.

#include <filesystem>
#include <string>

#include "tensor/Tensor.h"

namespace gts::io {

/// The bytes of `tensor` as a version 1.0 .npy file ('<f4', C order).
std::string npyBytes(const Tensor& tensor);
/// Writes `tensor` as .npy, whole or not at all (io::writeFileAtomically).
void writeNpy(const Tensor& tensor, const std::filesystem::path& path);
/// Reads a little-endian float32 ('<f4') or float64 ('<f8', converted) C-order .npy. Throws
/// io::ParseError naming the file for any other dtype, Fortran order, a malformed header, or a
/// shape whose data the file does not hold (checked before allocating).
Tensor readNpy(const std::filesystem::path& path);

}  // namespace gts::io
