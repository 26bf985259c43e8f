// .npy against files numpy.save wrote (tests/fixtures/npy, made by make_npy_fixtures.py): the
// bytes GTScope writes equal numpy's for the same array, reads give numpy's values, and files
// of other dtypes, Fortran order, big-endian data or a lying shape are refused by name.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/GraphIO.h"
#include "tensor/Npy.h"

using namespace gts;
namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::path(GTS_FIXTURES_DIR) / "npy";

std::string fileBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string refusal(const fs::path& p) {
    try {
        io::readNpy(p);
    } catch (const io::ParseError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST(Npy, WritesTheBytesNumpyWrites) {
    Tensor a({2, 3}, {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.25f});
    EXPECT_EQ(io::npyBytes(a), fileBytes(kDir / "f4_2x3.npy"));
    Tensor b({5}, {1.5f, -2.0f, 0.0f, 3.25f, 1e-3f});
    EXPECT_EQ(io::npyBytes(b), fileBytes(kDir / "f4_5.npy"));
    Tensor s(Tensor::Shape{}, {7.5f});
    EXPECT_EQ(io::npyBytes(s), fileBytes(kDir / "f4_scalar.npy"));
}

TEST(Npy, ReadsNumpysFiles) {
    const Tensor a = io::readNpy(kDir / "f4_2x3.npy");
    ASSERT_EQ(a.shape(), (Tensor::Shape{2, 3}));
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(a.data()[i], float(i) / 4.0f);
    const Tensor d = io::readNpy(kDir / "f8_4.npy");
    ASSERT_EQ(d.shape(), (Tensor::Shape{4}));
    EXPECT_FLOAT_EQ(d.data()[2], -0.3f);
    EXPECT_FLOAT_EQ(d.data()[3], 1e10f);
}

TEST(Npy, RoundTripsThroughAFile) {
    const fs::path p = fs::temp_directory_path() / "gts_test_npy_roundtrip.npy";
    Tensor a({2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    io::writeNpy(a, p);
    const Tensor b = io::readNpy(p);
    EXPECT_EQ(b.shape(), a.shape());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data()[i], b.data()[i]);
    fs::remove(p);
}

TEST(Npy, RefusesWhatItCannotRead) {
    EXPECT_NE(refusal(kDir / "i4_3.npy").find("'<i4' is not float32"), std::string::npos) << refusal(kDir / "i4_3.npy");
    EXPECT_NE(refusal(kDir / "fortran_2x3.npy").find("Fortran"), std::string::npos);
    EXPECT_NE(refusal(kDir / "be_f4_3.npy").find("big-endian"), std::string::npos);
    // A header that promises more data than the file holds: refused before allocating.
    std::string bytes = fileBytes(kDir / "f4_2x3.npy");
    const auto at = bytes.find("(2, 3)");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, 6, "(9999999999, 3)");
    bytes.erase(bytes.find("}") + 1, 9);  // keep the header length as written
    const fs::path p = fs::temp_directory_path() / "gts_test_npy_lying.npy";
    io::writeFileAtomically(p, bytes);
    const std::string why = refusal(p);
    EXPECT_NE(why.find("needs"), std::string::npos) << why;
    EXPECT_NE(why.find("gts_test_npy_lying.npy"), std::string::npos) << why;
    fs::remove(p);
    io::writeFileAtomically(p, "not numpy");
    EXPECT_NE(refusal(p).find("not a .npy file"), std::string::npos);
    fs::remove(p);
}
