#pragma once
// Typed attribute columns for nodes, edges or a whole graph.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gts {

/// What an attribute column holds. Discrete values are integer category indices (OGB style);
/// continuous values are real numbers; strings are labels and names.
enum class AttrKind : uint8_t { Discrete, Continuous, String };

/// A hint kept only so that a writer can give a value back the type it was read with
/// (GraphML/GEXF distinguish int/long/boolean and float/double). It never changes the storage.
enum class AttrTypeHint : uint8_t { None, Int, Long, Boolean, Float, Double, String };

const char* attrKindName(AttrKind kind);

/// One attribute for every element of a scope: `width` values per element, stored contiguously.
/// Discrete columns use `ints`, continuous ones `reals`, string columns `strings` (width is 1).
/// `present` marks which elements have a value; empty means every element has one.
struct AttrColumn {
    std::string name;
    AttrKind kind = AttrKind::Discrete;
    uint32_t width = 1;
    AttrTypeHint hint = AttrTypeHint::None;
    std::vector<int64_t> ints;          // [size * width] when Discrete
    std::vector<double> reals;          // [size * width] when Continuous
    std::vector<std::string> strings;   // [size] when String
    std::vector<uint8_t> present;       // [size] or empty (= all present)
    std::optional<std::string> defaultText;  // a declared default, as text (GraphML <default>)

    size_t size() const;
    bool has(size_t i) const { return present.empty() || present[i] != 0; }
    void setPresent(size_t i, bool value);
    bool allPresent() const;

    int64_t intAt(size_t i, uint32_t k = 0) const { return ints[i * width + k]; }
    double realAt(size_t i, uint32_t k = 0) const { return reals[i * width + k]; }
    const std::string& stringAt(size_t i) const { return strings[i]; }

    void setInt(size_t i, int64_t v, uint32_t k = 0);
    void setReal(size_t i, double v, uint32_t k = 0);
    void setString(size_t i, std::string v);

    /// Grows or shrinks to n elements; new elements have no value.
    void resize(size_t n);
    /// Keeps the elements whose index is listed, in that order.
    void gather(const std::vector<uint32_t>& keep);
    /// Appends element `i` of `other` (same kind and width) as a new last element.
    void appendFrom(const AttrColumn& other, size_t i);
    /// A value as display text: "3", "0.5", "C", vectors as "[1, 2, 3]"; "" when absent.
    std::string valueText(size_t i) const;
};

/// Columns in a deque: a reference from add() stays valid while more columns are added.
using AttrColumns = std::deque<AttrColumn>;

/// The attribute columns of one scope (nodes, edges or the graph), all of one length.
class AttrTable {
public:
    explicit AttrTable(size_t size = 0) : size_(size) {}

    size_t size() const { return size_; }
    const AttrColumns& columns() const { return columns_; }
    AttrColumns& columns() { return columns_; }
    bool empty() const { return columns_.empty(); }

    AttrColumn* find(std::string_view name);
    const AttrColumn* find(std::string_view name) const;
    /// Adds a column (every element without a value), or returns the existing one of that
    /// name. The reference stays valid until that column is removed. Throws std::invalid_argument if the existing column has another kind or width.
    AttrColumn& add(std::string name, AttrKind kind, uint32_t width = 1,
                    AttrTypeHint hint = AttrTypeHint::None);
    void remove(std::string_view name);

    void resize(size_t n);
    void gather(const std::vector<uint32_t>& keep);

private:
    size_t size_ = 0;
    AttrColumns columns_;
};

}  // namespace gts
