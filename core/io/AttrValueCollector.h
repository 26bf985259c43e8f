#pragma once
// Typing of loosely typed attribute values (GML, node-link JSON) into Graph attribute columns.
// Readers of self-describing text formats first collect every value as it was written, then
// decide each column's kind and width once all of its values are known.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/Attributes.h"

namespace gts::io::detail {

/// One value as written in the file.
struct ScalarValue {
    enum class Type : uint8_t { Int, Real, Bool, String };
    Type type = Type::Int;
    int64_t i = 0;    // Int, Bool (0/1)
    double r = 0.0;   // Real
    std::string s;    // String

    static ScalarValue ofInt(int64_t v) { return {Type::Int, v, 0.0, {}}; }
    static ScalarValue ofReal(double v) { return {Type::Real, 0, v, {}}; }
    static ScalarValue ofBool(bool v) { return {Type::Bool, v ? 1 : 0, 0.0, {}}; }
    static ScalarValue ofString(std::string v) { return {Type::String, 0, 0.0, std::move(v)}; }
    bool numeric() const { return type != Type::String; }
    /// The value as text: ints in decimal, reals as io::formatReal, bools as "true"/"false".
    std::string text() const;
};

/// An attribute value of one element: one item (a scalar) or several (a list, a vector).
struct AttrValue {
    std::vector<ScalarValue> items;
    bool isList = false;  // written as a list even when it has one item
    size_t line = 0;      // where it was read, for errors
};

/// Collects attribute values per element and column, then builds typed columns:
/// - every item numeric, all bools → Discrete with hint Boolean; all ints/bools → Discrete;
///   otherwise Continuous. Width = item count, which must be the same for every element;
/// - any string item → String; a list is kept as its text `["a", 2]`.
class AttrValueCollector {
public:
    /// What to do when a numeric column's elements have different item counts.
    enum class OnWidthMismatch : uint8_t { Error, AsText };

    /// Adds the value of `name` for `element` (at most one value per element and name).
    void add(uint32_t element, const std::string& name, AttrValue value);
    bool empty() const { return columns_.empty(); }

    /// Adds the columns to `table` (which must already have its final size). `elementName`
    /// names an element in errors ("node 'a'"). Throws ParseError(source, line, ...).
    void build(AttrTable& table, OnWidthMismatch onMismatch, const std::string& source,
               const std::function<std::string(uint32_t)>& elementName) const;

private:
    struct Column {
        std::string name;
        std::vector<std::pair<uint32_t, AttrValue>> values;
    };
    std::vector<Column> columns_;
    std::unordered_map<std::string, size_t> index_;
};

/// The text a list value is kept as in a String column: `[1, 2]`, `["a", "b"]`.
std::string listText(const AttrValue& value);

}  // namespace gts::io::detail
